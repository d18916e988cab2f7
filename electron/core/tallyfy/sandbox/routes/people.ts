import { z } from 'zod';

import { HttpError, badRequest, forbidden, includes, notFound, paginate, validate, validationError, memberIdInput } from '../respond';
import { groupOut, guestOut, userOut } from '../serialize';
import type { SeedGroup, SeedGuest, SeedUser } from '../state';

import { item, requireAdmin, route, type Route, type RouteContext } from './context';

const roleSchema = z.enum(['admin', 'standard', 'light']);

const inviteSchema = z.object({
  email: z.email(),
  first_name: z.string().min(1).max(32),
  last_name: z.string().min(1).max(32),
  role: roleSchema,
  message: z.string().min(1).max(5000),
});

const updateUserSchema = z.looseObject({
  first_name: z.string().min(1).max(32),
  last_name: z.string().min(1).max(32),
  timezone: z.string().min(1),
  phone: z.string().optional(),
  job_title: z.string().optional(),
  team: z.string().optional(),
});

const createGuestSchema = z.looseObject({
  email: z.email(),
  first_name: z.string().max(200).optional(),
  last_name: z.string().max(200).optional(),
  phone_1: z.string().optional(),
  phone_2: z.string().optional(),
  company_name: z.string().optional(),
  company_url: z.string().optional(),
  timezone: z.string().optional(),
});

const groupSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().min(1),
  members: z.array(memberIdInput).optional(),
  guests: z.array(z.string()).optional(),
});

function findUser(ctx: RouteContext, id: string | undefined): SeedUser {
  const user = ctx.org.users.find((candidate) => String(candidate.id) === id);
  if (!user) throw notFound('User');
  return user;
}

function findGuest(ctx: RouteContext, email: string | undefined): SeedGuest {
  const guest = ctx.org.guests.find((candidate) => candidate.email.toLowerCase() === (email ?? '').toLowerCase());
  if (!guest) throw notFound('Guest');
  return guest;
}

function findGroup(ctx: RouteContext, id: string | undefined): SeedGroup {
  const group = ctx.org.groups.find((candidate) => candidate.id === id);
  if (!group) throw notFound('Group');
  return group;
}

/** Seats per role pool; invites and role changes beyond them get 409 SEAT_POOL_EXHAUSTED. */
const seatLimit = 25;

function checkSeats(ctx: RouteContext, role: SeedUser['role']): void {
  const pool = role === 'light' ? 'light' : 'full';
  const used = ctx.org.users.filter((user) => user.status !== 'disabled' && (user.role === 'light') === (pool === 'light')).length;
  if (used >= seatLimit) {
    throw new HttpError(409, { error: { code: 'SEAT_POOL_EXHAUSTED', message: `No ${pool} seats are left in this organization.`, details: { pool_type: pool } } });
  }
}

function stats(ctx: RouteContext, email: string): Record<string, number> {
  const tasks = ctx.org.tasks.filter((task) => task.owners.guests.includes(email));
  return { active_tasks: tasks.filter((task) => task.status !== 'completed').length, completed_tasks: tasks.filter((task) => task.status === 'completed').length };
}

/** Current user, organization, member, guest and group routes (tallyfy-api.md §1, §3.8–3.10). */
export const peopleRoutes: Route[] = [
  route('GET', '', (ctx) => item({ ...ctx.org.org, users_count: ctx.org.users.filter((user) => user.status === 'active').length })),
  route('GET', '/me', (ctx) => item({ ...userOut(ctx.org, ctx.user, includes(ctx.query)), organization_id: ctx.org.org.id })),
  route('PUT', '/me', (ctx) => {
    const body = validate(updateUserSchema.partial(), ctx.body);
    for (const key of ['first_name', 'last_name', 'timezone', 'job_title'] as const) if (body[key] !== undefined) (ctx.user as Record<string, unknown>)[key] = body[key];
    return item(userOut(ctx.org, ctx.user));
  }),
  // Members
  route('GET', '/users', (ctx) => {
    const q = ctx.query.get('q')?.toLowerCase();
    const withs = includes(ctx.query);
    const users = ctx.org.users.filter((user) => !q || `${user.first_name} ${user.last_name} ${user.email}`.toLowerCase().includes(q));
    const page = paginate(users, ctx.query, { defaultPerPage: 9999, url: ctx.url, emptyLinks: 'array' });
    return { body: { ...page, data: page.data.map((user) => userOut(ctx.org, user, withs)) } };
  }),
  route('GET', '/users-list', (ctx) =>
    item(ctx.org.users.filter((user) => user.status === 'active').map((user) => ({ id: user.id, email: user.email, full_name: `${user.first_name} ${user.last_name}`, role: user.role }))),
  ),
  route('POST', '/users/invite', (ctx) => {
    requireAdmin(ctx);
    const body = validate(inviteSchema, ctx.body);
    if (ctx.org.users.some((user) => user.email.toLowerCase() === body.email.toLowerCase())) throw validationError({ email: ['The email has already been taken.'] });
    checkSeats(ctx, body.role);
    const user: SeedUser = {
      id: ctx.state.newIntId(),
      email: body.email,
      username: body.email.split('@')[0] ?? body.email,
      first_name: body.first_name,
      last_name: body.last_name,
      role: body.role,
      status: 'invited',
      timezone: null,
      job_title: null,
      created_at: ctx.now.toISOString(),
    };
    ctx.org.users.push(user);
    return item(userOut(ctx.org, user));
  }),
  route('GET', '/users/:user', (ctx) => {
    requireAdmin(ctx);
    return item(userOut(ctx.org, findUser(ctx, ctx.params.user), includes(ctx.query)));
  }),
  route('PUT', '/users/:user', (ctx) => {
    const user = findUser(ctx, ctx.params.user);
    if (user.id !== ctx.user.id) requireAdmin(ctx);
    const body = validate(updateUserSchema, ctx.body);
    user.first_name = body.first_name;
    user.last_name = body.last_name;
    user.timezone = body.timezone;
    if (body.job_title !== undefined) user.job_title = body.job_title;
    return item(userOut(ctx.org, user));
  }),
  route('PUT', '/users/:user/role', (ctx) => {
    requireAdmin(ctx);
    const user = findUser(ctx, ctx.params.user);
    const { role } = validate(z.object({ role: roleSchema }), ctx.body);
    if ((role === 'light') !== (user.role === 'light')) checkSeats(ctx, role);
    user.role = role;
    return item(userOut(ctx.org, user));
  }),
  route('DELETE', '/users/:user/disable', (ctx) => {
    requireAdmin(ctx);
    const user = findUser(ctx, ctx.params.user);
    if (user.id === ctx.user.id) throw badRequest('You cannot disable yourself.');
    user.status = 'disabled';
    return item(userOut(ctx.org, user));
  }),
  route('PUT', '/users/:user/enable', (ctx) => {
    requireAdmin(ctx);
    const user = findUser(ctx, ctx.params.user);
    if (user.status === 'disabled') checkSeats(ctx, user.role);
    user.status = 'active';
    return item(userOut(ctx.org, user));
  }),
  route('DELETE', '/users/:user', (ctx) => {
    requireAdmin(ctx);
    const user = findUser(ctx, ctx.params.user);
    const firstAdmin = ctx.org.users.find((candidate) => candidate.role === 'admin');
    if (user === firstAdmin) throw badRequest('The default administrator cannot be removed from the organization.');
    const to = ctx.query.get('with_reassignment') === 'true' ? Number(ctx.query.get('to')) : undefined;
    for (const task of ctx.org.tasks) {
      if (!task.owners.users.includes(user.id)) continue;
      task.owners.users = task.owners.users.filter((id) => id !== user.id);
      if (to !== undefined && !task.owners.users.includes(to)) task.owners.users.push(to);
    }
    ctx.org.users.splice(ctx.org.users.indexOf(user), 1);
    if (user.token) ctx.state.tokens.delete(user.token);
    return { body: { message: 'The member was removed from the organization.' } };
  }),
  // Guests
  route('GET', '/guests', (ctx) => {
    const q = ctx.query.get('q')?.toLowerCase();
    const withStats = includes(ctx.query).has('stats');
    const guests = ctx.org.guests.filter((guest) => !q || guest.email.toLowerCase().includes(q));
    const page = paginate(guests, ctx.query, { defaultPerPage: 999, url: ctx.url, emptyLinks: 'array' });
    return { body: { ...page, data: page.data.map((guest) => ({ ...guestOut(ctx.org, guest), ...(withStats ? { stats: { data: stats(ctx, guest.email) } } : {}) })) } };
  }),
  route('GET', '/guests-list', (ctx) => item(ctx.org.guests.map((guest) => ({ id: guest.id, email: guest.email, first_name: guest.first_name, last_name: guest.last_name })))),
  route('POST', '/guests', (ctx) => {
    const body = validate(createGuestSchema, ctx.body);
    if (ctx.org.users.some((user) => user.email.toLowerCase() === body.email.toLowerCase())) throw validationError({ email: ['This email belongs to a member of the organization.'] });
    const existing = ctx.org.guests.find((guest) => guest.email.toLowerCase() === body.email.toLowerCase());
    if (existing) return item(guestOut(ctx.org, existing), 201);
    // Only documented keys are kept; `phone` (instead of phone_1/phone_2) is silently dropped.
    const guest: SeedGuest = {
      id: ctx.state.newIntId(),
      email: body.email,
      first_name: body.first_name ?? null,
      last_name: body.last_name ?? null,
      code: ctx.state.newId(),
      created_at: ctx.now.toISOString(),
      details: {
        company_name: body.company_name ?? null,
        company_url: body.company_url ?? null,
        phone_1: body.phone_1 ?? null,
        phone_2: body.phone_2 ?? null,
        timezone: body.timezone ?? null,
        associated_members: [ctx.user.id],
        disabled_at: null,
      },
    };
    ctx.org.guests.push(guest);
    return item(guestOut(ctx.org, guest), 201);
  }),
  route('GET', '/guests/:email', (ctx) => {
    const guest = findGuest(ctx, ctx.params.email);
    return item({ ...guestOut(ctx.org, guest), ...(includes(ctx.query).has('stats') ? { stats: { data: stats(ctx, guest.email) } } : {}) });
  }),
  route('PUT', '/guests/:email', (ctx) => {
    const guest = findGuest(ctx, ctx.params.email);
    const body = validate(z.looseObject({ associated_members: z.array(memberIdInput).optional() }), ctx.body);
    // Profile fields are silently discarded: only associated_members can change.
    if (body.associated_members) guest.details = { ...guest.details, associated_members: body.associated_members };
    return item(guestOut(ctx.org, guest), 201);
  }),
  route('DELETE', '/guests/:email/disable', (ctx) => {
    const guest = findGuest(ctx, ctx.params.email);
    if (ctx.org.tasks.some((task) => task.owners.guests.includes(guest.email) && task.status !== 'completed' && task.status !== 'auto-skipped')) {
      throw forbidden('Cannot disable guest with incomplete tasks');
    }
    guest.details = { ...guest.details, disabled_at: ctx.now.toISOString() };
    return item(guestOut(ctx.org, guest));
  }),
  route('PUT', '/guests/:email/enable', (ctx) => {
    const guest = findGuest(ctx, ctx.params.email);
    guest.details = { ...guest.details, disabled_at: null };
    return item(guestOut(ctx.org, guest));
  }),
  route('DELETE', '/guests/:email', (ctx) => {
    const guest = findGuest(ctx, ctx.params.email);
    for (const task of ctx.org.tasks) task.owners.guests = task.owners.guests.filter((email) => email !== guest.email);
    ctx.org.guests.splice(ctx.org.guests.indexOf(guest), 1);
    return { status: 204 };
  }),
  // Groups
  route('GET', '/groups', (ctx) => {
    const q = ctx.query.get('q')?.toLowerCase();
    const withs = includes(ctx.query);
    const groups = ctx.org.groups.filter((group) => !q || group.name.toLowerCase().includes(q)).sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(groups, ctx.query, { defaultPerPage: 10, url: ctx.url, emptyLinks: 'array' });
    return {
      body: {
        ...page,
        data: page.data.map((group) => ({
          ...groupOut(group),
          ...(withs.has('users') ? { users: { data: ctx.org.users.filter((user) => group.members.includes(user.id)).map((user) => userOut(ctx.org, user)) } } : {}),
        })),
      },
    };
  }),
  route('GET', '/groups/:group', (ctx) => item(groupOut(findGroup(ctx, ctx.params.group)))),
  route('POST', '/groups', (ctx) => {
    if (ctx.user.role === 'light') throw forbidden('Light members cannot manage groups.');
    const body = validate(groupSchema, ctx.body);
    if (ctx.org.groups.some((group) => group.name.toLowerCase() === body.name.toLowerCase())) throw validationError({ name: ['The name has already been taken.'] });
    const group: SeedGroup = { id: ctx.state.newId(), name: body.name, description: body.description, members: body.members ?? [], guests: body.guests ?? [] };
    ctx.org.groups.push(group);
    return item(groupOut(group), 201);
  }),
  route('PUT', '/groups/:group', (ctx) => {
    if (ctx.user.role === 'light') throw forbidden('Light members cannot manage groups.');
    const group = findGroup(ctx, ctx.params.group);
    const body = validate(groupSchema.partial(), ctx.body);
    if (body.name !== undefined) group.name = body.name;
    if (body.description !== undefined) group.description = body.description;
    // members and guests replace the current lists when sent.
    if (body.members !== undefined) group.members = body.members;
    if (body.guests !== undefined) group.guests = body.guests;
    return item(groupOut(group), 201);
  }),
  route('DELETE', '/groups/:group', (ctx) => {
    if (ctx.user.role === 'light') throw forbidden('Light members cannot manage groups.');
    const group = findGroup(ctx, ctx.params.group);
    ctx.org.groups.splice(ctx.org.groups.indexOf(group), 1);
    return { status: 204 };
  }),
];
