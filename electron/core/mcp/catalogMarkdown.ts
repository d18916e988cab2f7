import { listToolCatalog } from './catalog';

const effectLabel = { read: 'read-only', write: 'writes', destructive: '**destructive**' } as const;

/**
 * The tool table of docs/mcp.md (name, official or extra, area, effect, idempotent, title), generated from the
 * catalog so the docs cannot drift from the code (a test compares them).
 */
export function renderToolTable(): string {
  const rows = listToolCatalog().map(
    (entry) =>
      `| \`${entry.name}\` | ${entry.official ? 'official' : 'extra'} | ${entry.area.replace('_', ' ')} | ${effectLabel[entry.effect]} | ${entry.annotations.idempotentHint ? 'yes' : 'no'} | ${entry.title} |`,
  );
  return ['| tool | Tallyfy name | area | effect | idempotent | what it does |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
