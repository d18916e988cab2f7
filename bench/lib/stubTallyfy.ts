/**
 * An in-memory Tallyfy for measuring what sits above it (MCP, tools): a `fetch` that answers the
 * two calls the measured tool makes (`/me` for verification, `/me/tasks`) from canned JSON, with no
 * socket. Bodies are shaped like the real API's envelopes.
 */
export const stubOrgId = 'a0000000000000000000000000000001';
export const stubToken = 'bench-stub-token';

const me = { data: { id: 10001, email: 'alice@acme.test', first_name: 'Alice', last_name: 'Admin', full_name: 'Alice Admin', role: 'admin', timezone: 'UTC' } };
const tasks = {
  data: Array.from({ length: 10 }, (_, i) => ({
    id: `t${String(i).padStart(31, '0')}`,
    title: `Review supplier contract ${i + 1}`,
    run_id: `r${String(i).padStart(31, '0')}`,
    checklist_id: null,
    step_id: null,
    status: i % 3 === 0 ? 'not-started' : 'in-progress',
    task_type: 'task',
    is_oneoff_task: false,
    owners: { users: [10001], guests: [], groups: [] },
    deadline: `2026-12-0${(i % 9) + 1}T17:00:00Z`,
  })),
  meta: { pagination: { total: 10, count: 10, per_page: 20, current_page: 1, total_pages: 1, links: {} } },
};
const bodies = { me: JSON.stringify(me), tasks: JSON.stringify(tasks) };

/** The stub `fetch`: 200 with the envelope for `/me` and `/me/tasks`, 404 otherwise. */
export const stubTallyfyFetch: typeof fetch = async (input) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const body = url.pathname.endsWith('/me/tasks') ? bodies.tasks : url.pathname.endsWith('/me') ? bodies.me : undefined;
  if (!body) return new Response(JSON.stringify({ error: true, message: 'Not found.' }), { status: 404, headers: { 'content-type': 'application/json' } });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
};
