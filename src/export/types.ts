import type { SecretPath } from '../cekura/fields.js';
import type { JsonObject } from '../json.js';

/**
 * Live agents of one project as a manifest (`exportManifest`), before it is written as YAML
 * (`renderExport`). Planned right after against the same Cekura, it shows no change except the
 * secrets it asks for, which are sent once.
 */
export interface ExportedManifest {
  project: number;
  /** Sorted by key. */
  agents: ExportedAgent[];
}

/** One live agent as an `agents.<key>` entry. */
export interface ExportedAgent {
  /** Derived from the name: a slug, unique in this export. */
  key: string;
  /** `agent.<key>`. */
  address: string;
  id: number;
  name: string;
  /** Whether the body pins the agent with `id:`; only when its name is not unique in the project (adoption is by name). */
  pinned: boolean;
  /**
   * The manifest body in manifest field names, server defaults and server-computed fields left out,
   * every `${` of a live string escaped as `$${`, secrets as `${env:NAME}` placeholders.
   */
  body: JsonObject;
  /** The placeholders in `body`, in `SECRET_PATHS` order. Their values cannot be read from Cekura. */
  secrets: SuggestedSecret[];
  /** Names of the live knowledge-base files, which are left out: their contents cannot be read back. */
  knowledge_base_files: string[];
  /** Live fields under `telephony`/`provider` that a manifest cannot hold (dotted paths), left out and so unmanaged. */
  unsupported_fields: string[];
}

/** A secret the manifest asks for, because Cekura says it is set or the provider requires it. */
export interface SuggestedSecret {
  path: SecretPath;
  /** The suggested environment variable, `<KEY>_<WHAT>`: `SUPPORT_BOT_VAPI_API_KEY`. */
  env: string;
}
