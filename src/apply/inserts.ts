import { createHash } from 'node:crypto';
import { assertNever, StalePlanError } from '../errors.js';
import { ownValue, setAtPointer, type JsonObject } from '../json.js';
import type { BodyInsert, WriteRequest } from '../plan/types.js';
import { fingerprintSecret, type FingerprintKeys } from '../state/fingerprint.js';

/** Where inserted values come from. */
export interface InsertSources {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): Promise<Buffer>;
  /** The keys the plan fingerprinted each secret with (`fingerprintKeysOf`). */
  fingerprintKeys: FingerprintKeys;
}

/** A request body ready to send, and the values put into it (to scrub from anything the server says back). */
export interface ResolvedBody {
  body: JsonObject;
  inserted: string[];
}

/**
 * The request's body with every insert in place. Throws `StalePlanError` naming the variable or file
 * when a value is missing or is not the one the plan was made with; nothing may be sent then.
 */
export async function resolveInserts(request: WriteRequest, sources: InsertSources): Promise<ResolvedBody> {
  const body = structuredClone(request.body);
  const inserted: string[] = [];
  for (const insert of request.inserts) {
    const value = await readInsert(insert, sources);
    setAtPointer(body, insert.path, value);
    inserted.push(value);
  }
  return { body, inserted };
}

async function readInsert(insert: BodyInsert, sources: InsertSources): Promise<string> {
  switch (insert.source) {
    case 'env': {
      const value = ownValue(sources.env, insert.env);
      if (value === undefined) {
        throw new StalePlanError(`environment variable ${insert.env} is not set; the plan sends it as ${insert.path}`, {
          meta: { env: insert.env, path: insert.path },
        });
      }
      if (fingerprintSecret(sources.fingerprintKeys, value) !== insert.fingerprint) {
        throw new StalePlanError(
          `environment variable ${insert.env} changed since the plan was made (sent as ${insert.path})`,
          {
            meta: { env: insert.env, path: insert.path },
          },
        );
      }
      return value;
    }
    case 'file': {
      let content: Buffer;
      try {
        content = await sources.readFile(insert.file);
      } catch (error) {
        throw new StalePlanError(`cannot read ${insert.file}, which the plan uploads as ${insert.path}`, {
          meta: { file: insert.file, path: insert.path },
          cause: error,
        });
      }
      if (createHash('sha256').update(content).digest('hex') !== insert.sha256) {
        throw new StalePlanError(`${insert.file} changed since the plan was made (uploaded as ${insert.path})`, {
          meta: { file: insert.file, path: insert.path },
        });
      }
      return content.toString('base64');
    }
    default:
      return assertNever(insert, 'body insert');
  }
}
