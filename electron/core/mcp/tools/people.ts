import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';
import type { ListQuery } from '../../tallyfy/endpoints/context';
import type { Group, User } from '../../tallyfy/types';
import { defineTool, renameAlias, ToolInputError, ToolLookupError, type Tool } from '../defineTool';

import { pick } from '../toolOutput';

import {
  countedListOutput,
  fromArray,
  fromPage,
  hexId,
  listOutput,
  nameMatches,
  objectOutput,
  pageArg,
  perPageArg,
  trimGroup,
  trimGuest,
  trimUser,
  userId,
} from './common';

/** Every member of the org (all statuses), capped at 1,000. `query` adds includes such as `with: 'groups'`. */
export async function allMembers(client: TallyfyClient, signal: AbortSignal, query: ListQuery = {}): Promise<User[]> {
  return (await client.collectAll<User>('/organizations/{org}/users', query, { signal })).data;
}

/** Every group of the org, capped at 1,000. */
export async function allGroups(client: TallyfyClient, signal: AbortSignal): Promise<Group[]> {
  return (await client.collectAll<Group>('/organizations/{org}/groups', {}, { signal })).data;
}

/** A member's display name: full name, else first and last name. */
const memberName = (member: User): string => member.full_name ?? `${member.first_name} ${member.last_name}`;

/** Finds one member of `members` by email (exact) or name (contains); refuses ambiguity with the candidates listed. */
export function findMember(members: readonly User[], wanted: { email?: string; name?: string }): User {
  const matches = wanted.email
    ? members.filter((member) => member.email.toLowerCase() === wanted.email?.toLowerCase())
    : members.filter((member) => nameMatches(memberName(member), wanted.name ?? ''));
  const label = wanted.email ?? wanted.name ?? '';
  if (matches.length === 0)
    throw new ToolLookupError(`No member matches "${label}". Call get_organization_users to see who is in the organization.`);
  if (matches.length > 1) {
    throw new ToolLookupError(
      `"${label}" matches ${matches.length} members: ${matches.map((member) => `${member.full_name ?? member.email} (id ${member.id})`).join(', ')}. Pass the user id instead.`,
    );
  }
  return matches[0] as User;
}

/** Finds one group of `groups` by name (contains; an exact name wins). */
export function findGroup(groups: readonly Group[], name: string): Group {
  const matches = groups.filter((group) => nameMatches(group.name, name));
  const exact = matches.filter((group) => group.name.toLowerCase() === name.trim().toLowerCase());
  const chosen = exact.length === 1 ? exact : matches;
  if (chosen.length === 0) throw new ToolLookupError(`No group matches "${name}". Call get_groups to list them.`);
  if (chosen.length > 1)
    throw new ToolLookupError(
      `"${name}" matches groups ${chosen.map((group) => `"${group.name}" (${group.id})`).join(', ')}. Pass the group id.`,
    );
  return chosen[0] as Group;
}

const roleArg = z.enum(['admin', 'standard', 'light']);

/** Members, guests and groups. */
export const peopleTools: Tool[] = [
  defineTool({
    name: 'get_organization_users',
    title: 'List members',
    area: 'people',
    effect: 'read',
    description:
      'Lists the members of the organization (active, invited and disabled; never guests) with id, name, email, role and status. Use `query` to filter by name or email. Member ids are what task and step assignments take.',
    output: listOutput,
    input: {
      query: z.string().min(1).max(100).optional().describe('Filter: part of a name or email.'),
      with_groups: z.boolean().default(false).describe('Also return the groups each member belongs to.'),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ query, with_groups, page, per_page }, { client, signal }) => {
      const members = await allMembers(client, signal, with_groups ? { with: 'groups' } : {});
      const filtered = query ? members.filter((member) => nameMatches(`${memberName(member)} ${member.email}`, query)) : members;
      return fromArray(filtered, trimUser, page, per_page);
    },
  }),
  defineTool({
    name: 'get_user',
    output: objectOutput,
    title: 'Get a member',
    area: 'people',
    effect: 'read',
    description:
      'Returns one member by id with their groups. Tallyfy allows this for admins only; others get a permission error (use get_organization_users instead).',
    input: { user_id: userId },
    run: async ({ user_id }, { client, signal }) => trimUser(await client.users.get(user_id, { with: 'groups' }, signal)),
  }),
  defineTool({
    name: 'invite_user_to_organization',
    title: 'Invite a member',
    area: 'people',
    effect: 'write',
    description:
      'Invites a person to the organization as a member with a role: light (can complete assigned tasks), standard (can also launch and edit) or admin. They receive an email and appear with status "invited". Fails if the email already belongs to a member or no seats are left.',
    input: {
      email: z.email().describe('Email address of the person to invite.'),
      first_name: z.string().min(1).max(32).describe('First name, up to 32 characters.'),
      last_name: z.string().min(1).max(32).describe('Last name, up to 32 characters.'),
      role: roleArg.default('light').describe('Role: light, standard or admin. Default light.'),
      message: z
        .string()
        .min(1)
        .max(5000)
        .default('You have been invited to join our Tallyfy organization.')
        .describe('Personal message included in the invitation email.'),
    },
    run: async (args, { client, signal }) => trimUser(await client.users.invite(args, signal)),
  }),
  defineTool({
    name: 'change_user_role',
    title: "Change a member's role",
    area: 'people',
    effect: 'write',
    idempotent: true,
    description: "Changes a member's role to light, standard or admin. Admin only. May fail when the seat pool for that role is exhausted.",
    input: { user_id: userId, role: roleArg.describe('The new role: light, standard or admin.') },
    run: async ({ user_id, role }, { client, signal }) => trimUser(await client.users.changeRole(user_id, role, signal)),
  }),
  defineTool({
    name: 'get_organization_guests',
    title: 'List guests',
    area: 'people',
    effect: 'read',
    description: 'Lists the guests (external people assigned by email) with company and associated members. `query` filters by email.',
    output: listOutput,
    input: {
      query: z.string().min(1).max(100).optional().describe('Part of an email address.'),
      with_stats: z.boolean().default(false),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ query, with_stats, page, per_page }, { client, signal }) =>
      fromPage(
        await client.guests.list({ q: query, page, per_page, ...(with_stats ? { with: 'stats' } : {}) }, signal),
        (guest) => ({ ...trimGuest(guest), ...(with_stats && guest.stats ? { stats: guest.stats } : {}) }),
        page,
        per_page,
      ),
  }),
  defineTool({
    name: 'get_guest',
    output: objectOutput,
    title: 'Get a guest',
    area: 'people',
    effect: 'read',
    description: 'Returns one guest by email address.',
    input: { email: z.email().describe("The guest's email address.") },
    run: async ({ email }, { client, signal }) => trimGuest(await client.guests.get(email, undefined, signal)),
  }),
  defineTool({
    name: 'create_guest',
    title: 'Create a guest',
    area: 'people',
    effect: 'write',
    description:
      'Adds an external guest (a client, vendor or contractor) by email so tasks can be assigned to them without a Tallyfy seat. An email that belongs to a member is refused.',
    input: {
      email: z.email().describe("The guest's email address."),
      first_name: z.string().min(1).max(200),
      last_name: z.string().min(1).max(200),
      company_name: z.string().min(1).max(200).optional().describe('Company the guest works for.'),
      phone_1: z.string().min(3).max(40).optional().describe('Main phone number.'),
      phone_2: z.string().min(3).max(40).optional().describe('Second phone number.'),
    },
    run: async (args, { client, signal }) => trimGuest(await client.guests.create(args, signal)),
  }),
  defineTool({
    name: 'get_groups',
    title: 'List groups',
    area: 'groups',
    effect: 'read',
    description:
      'Lists the groups (teams) of the organization with their member ids and guest emails. Group ids can be used as assignees of tasks and steps.',
    output: listOutput,
    aliases: renameAlias({ q: 'query' }),
    input: {
      query: z.string().min(1).max(100).optional().describe('Filter: part of a group name.'),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ query, page, per_page }, { client, signal }) =>
      fromPage(await client.groups.list({ q: query, page, per_page }, signal), trimGroup, page, per_page),
  }),
  defineTool({
    name: 'get_group',
    title: 'Get a group',
    area: 'groups',
    effect: 'read',
    description: 'Returns one group with its member ids and guest emails.',
    output: objectOutput,
    input: { group_id: hexId('group') },
    run: async ({ group_id }, { client, signal }) => trimGroup(await client.groups.get(group_id, signal)),
  }),
  defineTool({
    name: 'create_group',
    title: 'Create a group',
    area: 'groups',
    effect: 'write',
    description: 'Creates a group (a team) with a unique name, a description and optional members and guests.',
    input: {
      name: z.string().min(1).max(200).describe('Unique group name.'),
      description: z.string().min(1).max(2000).describe('What the group is for (Tallyfy requires it).'),
      members: z.array(userId).default([]).describe('Member ids to put in the group.'),
      guests: z.array(z.email()).default([]).describe('Guest emails to put in the group.'),
    },
    run: async (args, { client, signal }) => trimGroup(await client.groups.create(args, signal)),
  }),
  defineTool({
    name: 'update_group',
    title: 'Update a group',
    area: 'groups',
    effect: 'write',
    idempotent: true,
    description:
      'Changes a group. members and guests, when given, REPLACE the lists (pass the full new list); when left out they are kept.',
    input: {
      group_id: hexId('group'),
      name: z.string().min(1).max(200).optional(),
      description: z.string().min(1).max(2000).optional(),
      members: z.array(userId).optional().describe('The full new member list.'),
      guests: z.array(z.email()).optional().describe('The full new guest list.'),
    },
    run: async ({ group_id, name, description, members: newMembers, guests: newGuests }, { client, signal }) => {
      if ([name, description, newMembers, newGuests].every((value) => value === undefined))
        throw new ToolInputError('Nothing to change: give name, description, members or guests.');
      const current = await client.groups.get(group_id, signal);
      const members = newMembers ?? current.members ?? [];
      const guests = newGuests ?? current.guests ?? [];
      const updated = await client.groups.update(
        group_id,
        { name: name ?? current.name, description: description ?? current.description, members, guests },
        signal,
      );
      return trimGroup(updated);
    },
  }),
  defineTool({
    name: 'delete_group',
    title: 'Delete a group',
    area: 'groups',
    effect: 'destructive',
    idempotent: true,
    description:
      'Deletes a group. Its members stay in the organization, but tasks and steps assigned to the group lose that assignee. This cannot be undone.',
    input: { group_id: hexId('group') },
    run: async ({ group_id }, { client, signal }) => {
      await client.groups.delete(group_id, signal);
      return { deleted: true, group_id };
    },
  }),
  defineTool({
    name: 'disable_user',
    title: 'Disable a member',
    area: 'people',
    effect: 'destructive',
    idempotent: true,
    description: 'Disables a member: they can no longer sign in, and their seat is freed. Admin only. Reversible with enable_user.',
    input: { user_id: userId },
    run: async ({ user_id }, { client, signal }) => trimUser(await client.users.disable(user_id, signal)),
  }),
  defineTool({
    name: 'enable_user',
    title: 'Enable a member',
    area: 'people',
    effect: 'write',
    idempotent: true,
    description: 'Re-enables a disabled member. Admin only; may fail when no seat is free.',
    input: { user_id: userId },
    run: async ({ user_id }, { client, signal }) => trimUser(await client.users.enable(user_id, signal)),
  }),
  defineTool({
    name: 'get_organization_users_list',
    output: countedListOutput,
    title: 'List members (minimal)',
    area: 'people',
    effect: 'read',
    description: 'A minimal list of every member: id, name and email.',
    input: {},
    run: async (_args, { client, signal }) => {
      const users = await client.users.listMinimal(signal);
      return { count: users.length, data: users.map((user) => pick(user, ['id', 'full_name', 'first_name', 'last_name', 'email'])) };
    },
  }),
  defineTool({
    name: 'get_organization_guests_list',
    output: countedListOutput,
    title: 'List guests (minimal)',
    area: 'people',
    effect: 'read',
    description: 'A minimal list of every guest: id, name and email.',
    input: {},
    run: async (_args, { client, signal }) => {
      const guests = await client.guests.listMinimal(signal);
      return { count: guests.length, data: guests.map((guest) => pick(guest, ['id', 'first_name', 'last_name', 'email'])) };
    },
  }),
  defineTool({
    name: 'update_guest',
    title: 'Update a guest',
    area: 'people',
    effect: 'write',
    idempotent: true,
    description: "Sets a guest's associated members (the only guest detail Tallyfy lets you change; the list is replaced).",
    input: { email: z.email(), associated_members: z.array(userId).optional().describe('The full new list of member ids.') },
    run: async ({ email, associated_members }, { client, signal }) => {
      if (!associated_members) throw new ToolInputError('Nothing to change: associated_members is the only guest detail Tallyfy updates.');
      return trimGuest(await client.guests.update(email, associated_members, signal));
    },
  }),
  defineTool({
    name: 'disable_guest',
    title: 'Disable a guest',
    area: 'people',
    effect: 'destructive',
    idempotent: true,
    description: 'Disables a guest; refused while they have incomplete tasks. Reversible with enable_guest.',
    input: { email: z.email() },
    run: async ({ email }, { client, signal }) => trimGuest(await client.guests.disable(email, signal)),
  }),
  defineTool({
    name: 'enable_guest',
    title: 'Enable a guest',
    area: 'people',
    effect: 'write',
    idempotent: true,
    description: 'Re-enables a disabled guest so tasks can be assigned to them again.',
    input: { email: z.email() },
    run: async ({ email }, { client, signal }) => trimGuest(await client.guests.enable(email, signal)),
  }),
];
