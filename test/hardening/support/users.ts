import { randomBytes } from 'node:crypto';

import { defaultSeed, sandboxOrgs, type SandboxSeed } from '../../../electron/core/tallyfy/sandbox';

/** One generated sandbox user with a private task only they can see. */
export interface SeededUser {
  id: number;
  token: string;
  orgId: string;
  email: string;
  /** A string that appears only in this user's task title. */
  marker: string;
}

/**
 * The default seed plus `perOrg` extra users in each org, each with a random token and one open
 * one-off task carrying a unique marker, so any leak between users is visible in a reply.
 */
export function seedWithUsers(perOrg: number): { seed: SandboxSeed; users: SeededUser[] } {
  const seed = defaultSeed();
  const users: SeededUser[] = [];
  for (const [orgIndex, org] of seed.orgs.entries()) {
    const prefix = org.id === sandboxOrgs.acme ? 'a' : 'b';
    for (let i = 0; i < perOrg; i++) {
      const id = 50_000 + orgIndex * 1000 + i;
      const user: SeededUser = {
        id,
        token: `iso-${randomBytes(12).toString('hex')}`,
        orgId: org.id,
        email: `user${id}@${prefix}.example`,
        marker: `ISOMARK${id}X`,
      };
      users.push(user);
      org.users.push({ id, token: user.token, email: user.email, first_name: `User${id}`, last_name: 'Test', role: 'standard', status: 'active', timezone: 'UTC', job_title: null });
      org.tasks = org.tasks ?? [];
      org.tasks.push({
        id: `${prefix}d9${id.toString(16).padStart(29, '0')}`,
        title: `Private review ${user.marker}`,
        run_id: null,
        step_id: null,
        summary: null,
        status: 'not-started',
        task_type: 'task',
        position: 1,
        owners: { users: [id], guests: [], groups: [] },
        deadline: null,
        taskdata: {},
        is_approved: null,
        completed_at: null,
        completer_id: null,
        archived_at: null,
        tag_ids: [],
      });
    }
  }
  return { seed, users };
}
