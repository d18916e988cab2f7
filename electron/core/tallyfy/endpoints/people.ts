import type { Group, Guest, Page, Role, User } from '../types';

import { seg, type EndpointContext, type ListQuery } from './context';

/** Body of `POST /users/invite`. */
export interface InviteUserInput {
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  message: string;
}

/** Body of `PUT /users/{id}`: first name, last name (≤32) and timezone are required. */
export interface UpdateUserInput {
  first_name: string;
  last_name: string;
  timezone: string;
  phone?: string;
  job_title?: string;
  team?: string;
  [key: string]: unknown;
}

/** Body of `POST /guests`. Phones are `phone_1`/`phone_2` (a `phone` key is dropped). */
export interface CreateGuestInput {
  email: string;
  first_name?: string;
  last_name?: string;
  phone_1?: string;
  phone_2?: string;
  company_name?: string;
  company_url?: string;
  timezone?: string;
  [key: string]: unknown;
}

/** Body of a group create/update; `members` and `guests` replace the lists. */
export interface GroupInput {
  name: string;
  description: string;
  members?: number[];
  guests?: string[];
}

/** Member ("user") endpoints (tallyfy-api.md §3.8). */
export function usersApi(ctx: EndpointContext) {
  return {
    /** `GET /users`: members of every status, never guests (`with=groups`). */
    list: (query?: ListQuery, signal?: AbortSignal): Promise<Page<User>> => ctx.page('/users', query, signal),
    /** `GET /users-list`: a minimal list. */
    listMinimal: (signal?: AbortSignal): Promise<User[]> => ctx.item('GET', '/users-list', { signal }),
    /** `GET /users/{id}` (admin only). */
    get: (userId: number, query?: ListQuery, signal?: AbortSignal): Promise<User> =>
      ctx.item('GET', `/users/${seg(userId)}`, { query, signal }),
    /** `PUT /users/{id}`. */
    update: (userId: number, body: UpdateUserInput, signal?: AbortSignal): Promise<User> =>
      ctx.item('PUT', `/users/${seg(userId)}`, { body, signal }),
    /** `POST /users/invite`: the user comes back `status: "invited"` (422 if already a member; 409 without seats). */
    invite: (body: InviteUserInput, signal?: AbortSignal): Promise<User> => ctx.item('POST', '/users/invite', { body, signal }),
    /** `PUT /users/{id}/role`. */
    changeRole: (userId: number, role: Role, signal?: AbortSignal): Promise<User> =>
      ctx.item('PUT', `/users/${seg(userId)}/role`, { body: { role }, signal }),
    /** `DELETE /users/{id}/disable`. */
    disable: (userId: number, signal?: AbortSignal): Promise<User> => ctx.item('DELETE', `/users/${seg(userId)}/disable`, { signal }),
    /** `PUT /users/{id}/enable`. */
    enable: (userId: number, signal?: AbortSignal): Promise<User> => ctx.item('PUT', `/users/${seg(userId)}/enable`, { signal }),
    /** `DELETE /users/{id}`: removes the member from the org (optionally handing tasks `to` another user). */
    remove: (userId: number, reassignTo?: number, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/users/${seg(userId)}`, {
        query: reassignTo === undefined ? undefined : { with_reassignment: true, to: reassignTo },
        signal,
      }),
  };
}

/** Guest endpoints (tallyfy-api.md §3.9). Guests are addressed by email. */
export function guestsApi(ctx: EndpointContext) {
  return {
    /** `GET /guests` (`q` matches email; `with=stats`). */
    list: (query?: ListQuery, signal?: AbortSignal): Promise<Page<Guest>> => ctx.page('/guests', query, signal),
    /** `GET /guests-list`: a minimal flat list. */
    listMinimal: (signal?: AbortSignal): Promise<Guest[]> => ctx.item('GET', '/guests-list', { signal }),
    /** `GET /guests/{email}`. */
    get: (email: string, query?: ListQuery, signal?: AbortSignal): Promise<Guest> =>
      ctx.item('GET', `/guests/${seg(email)}`, { query, signal }),
    /** `POST /guests` (201; 422 when the email belongs to a member). */
    create: (body: CreateGuestInput, signal?: AbortSignal): Promise<Guest> => ctx.item('POST', '/guests', { body, signal }),
    /** `PUT /guests/{email}`: only `associated_members` can change (profile fields are discarded). */
    update: (email: string, associatedMembers: number[], signal?: AbortSignal): Promise<Guest> =>
      ctx.item('PUT', `/guests/${seg(email)}`, { body: { email, associated_members: associatedMembers }, signal }),
    /** `DELETE /guests/{email}`: detaches the guest from every task. */
    remove: (email: string, signal?: AbortSignal): Promise<unknown> => ctx.call('DELETE', `/guests/${seg(email)}`, { signal }),
    /** `DELETE /guests/{email}/disable` (403 while the guest has incomplete tasks). */
    disable: (email: string, signal?: AbortSignal): Promise<Guest> => ctx.item('DELETE', `/guests/${seg(email)}/disable`, { signal }),
    /** `PUT /guests/{email}/enable`. */
    enable: (email: string, signal?: AbortSignal): Promise<Guest> => ctx.item('PUT', `/guests/${seg(email)}/enable`, { signal }),
  };
}

/** Group endpoints (tallyfy-api.md §3.10). */
export function groupsApi(ctx: EndpointContext) {
  return {
    /** `GET /groups` (`q`, `sort_by`; pages at 10). */
    list: (query?: ListQuery, signal?: AbortSignal): Promise<Page<Group>> => ctx.page('/groups', query, signal),
    /** `GET /groups/{id}`. */
    get: (groupId: string, signal?: AbortSignal): Promise<Group> => ctx.item('GET', `/groups/${seg(groupId)}`, { signal }),
    /** `POST /groups` (201; name unique). */
    create: (body: GroupInput, signal?: AbortSignal): Promise<Group> => ctx.item('POST', '/groups', { body, signal }),
    /** `PUT /groups/{id}`: `members`/`guests` replace the lists. */
    update: (groupId: string, body: Partial<GroupInput>, signal?: AbortSignal): Promise<Group> =>
      ctx.item('PUT', `/groups/${seg(groupId)}`, { body, signal }),
    /** `DELETE /groups/{id}` (204). */
    delete: (groupId: string, signal?: AbortSignal): Promise<void> => ctx.call('DELETE', `/groups/${seg(groupId)}`, { signal }),
  };
}

export type UsersApi = ReturnType<typeof usersApi>;
export type GuestsApi = ReturnType<typeof guestsApi>;
export type GroupsApi = ReturnType<typeof groupsApi>;
