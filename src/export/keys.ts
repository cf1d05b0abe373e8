/** The key used when a name has no letter or digit to make a slug from. */
const FALLBACK_KEY = 'agent';

/** A name as an agent key: lower case ASCII letters, digits and single hyphens (`Support Bot` → `support-bot`). */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? FALLBACK_KEY : slug;
}

/**
 * A unique agent key for each agent, by id. The oldest agent (lowest id) of a slug keeps it; the
 * others get `-2`, `-3`, … so that exporting again after adding an agent keeps the existing keys.
 */
export function agentKeys(agents: readonly { id: number; name: string }[]): Map<number, string> {
  const slugs = [...agents].sort((a, b) => a.id - b.id).map((agent) => ({ id: agent.id, slug: slugOf(agent.name) }));
  const keys = new Map<number, string>();
  const used = new Set<string>();
  const take = (id: number, key: string) => {
    keys.set(id, key);
    used.add(key);
  };
  // Plain slugs first, so that `Bot 2` keeps `bot-2` even when a second `Bot` would want it.
  for (const { id, slug } of slugs) if (!used.has(slug)) take(id, slug);
  for (const { id, slug } of slugs) {
    if (keys.has(id)) continue;
    let suffix = 2;
    while (used.has(`${slug}-${suffix}`)) suffix++;
    take(id, `${slug}-${suffix}`);
  }
  return keys;
}
