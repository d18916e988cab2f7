import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defaultSeed, sandboxOrgs } from './defaultSeed';
import { loadSeedFile, parseSeed, SeedError } from './seedSchema';
import { startSandbox } from './server';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-seed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const minimal = {
  orgs: [
    {
      id: 'c0000000000000000000000000000003',
      name: 'Gamma Co',
      timezone: 'Asia/Tokyo',
      users: [{ id: 1, token: 'gamma-admin', email: 'admin@gamma.example', first_name: 'Gin', last_name: 'Sato', role: 'admin' }],
      tasks: [{ id: 'c0d00000000000000000000000000001', title: 'Water the plants', owners: { users: [1] }, deadline: '2030-01-01T09:00:00.000Z' }],
    },
  ],
};

describe('sandbox seed', () => {
  it('the default seed is valid and matches ARCHITECTURE §4', () => {
    const seed = parseSeed(defaultSeed());
    expect(seed.orgs.map((org) => [org.id, org.name])).toEqual([
      [sandboxOrgs.acme, 'Acme Operations'],
      [sandboxOrgs.beta, 'Beta Logistics'],
    ]);
    const roles = Object.fromEntries(seed.orgs.flatMap((org) => org.users.filter((user) => user.token).map((user) => [user.token, user.role])));
    expect(roles).toEqual({ 'sandbox-alice': 'admin', 'sandbox-bob': 'standard', 'sandbox-carol': 'light', 'sandbox-dave': 'admin' });
    expect(seed.orgs[0]?.guests).toHaveLength(1);
  });

  it('a custom seed file loads with defaults filled and serves', async () => {
    const file = join(dir, 'gamma.json');
    await writeFile(file, JSON.stringify(minimal));
    const seed = await loadSeedFile(file);
    expect(seed.orgs[0]?.tasks[0]).toMatchObject({ status: 'not-started', run_id: null, owners: { users: [1], guests: [], groups: [] } });
    const sandbox = await startSandbox({ seedFile: file });
    try {
      const response = await fetch(`${sandbox.url}/organizations/c0000000000000000000000000000003/me/tasks`, {
        headers: { Authorization: 'Bearer gamma-admin', 'X-Tallyfy-Client': 'APIClient' },
      });
      const body = (await response.json()) as { data: { title: string }[] };
      expect(body.data.map((task) => task.title)).toEqual(['Water the plants']);
    } finally {
      await sandbox.close();
    }
  });

  it('names the file, the path and the problem when the seed is invalid', async () => {
    const file = join(dir, 'bad.json');
    const bad = structuredClone(minimal) as { orgs: { id: string; users: { role: string }[] }[] };
    bad.orgs[0]!.id = 'not-hex';
    bad.orgs[0]!.users[0]!.role = 'owner';
    await writeFile(file, JSON.stringify(bad));
    const error = await loadSeedFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).message).toContain(file);
    expect((error as SeedError).message).toContain('orgs.0.id');
    expect((error as SeedError).message).toContain('orgs.0.users.0.role');
    expect((error as SeedError).message).toContain('docs/sandbox-seed.md');
  });

  it('refuses dangling references and duplicate tokens', () => {
    const dangling = structuredClone(minimal) as { orgs: { tasks: { run_id?: string }[]; users: unknown[] }[] };
    dangling.orgs[0]!.tasks[0]!.run_id = 'ffffffffffffffffffffffffffffffff';
    expect(() => parseSeed(dangling)).toThrow(/no run ffffffffffffffffffffffffffffffff/);
    const twice = structuredClone(minimal) as { orgs: { users: Record<string, unknown>[] }[] };
    twice.orgs[0]!.users.push({ ...twice.orgs[0]!.users[0], id: 2, email: 'b@gamma.example' });
    expect(() => parseSeed(twice)).toThrow(/token is used twice/);
  });

  it('says so when the file is missing or not JSON', async () => {
    await expect(loadSeedFile(join(dir, 'nope.json'))).rejects.toThrow(/no such file/);
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ not json');
    await expect(loadSeedFile(file)).rejects.toThrow(/not valid JSON/);
  });
});
