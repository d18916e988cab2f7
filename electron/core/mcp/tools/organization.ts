import { defineTool, type Tool } from '../defineTool';
import { pick } from '../toolOutput';

import { objectOutput, trimUser } from './common';

/** Who am I and which organization: the tools a model calls first. */
export const organizationTools: Tool[] = [
  defineTool({
    name: 'get_me',
    title: 'Get my profile',
    area: 'organization',
    effect: 'read',
    description:
      "Returns the signed-in Tallyfy member's profile in this organization: id, name, email, role (admin, standard or light) and timezone, plus organization_id. Call it to learn your own user id before filtering tasks or assigning work to yourself.",
    output: objectOutput,
    input: {},
    run: async (_args, { client, signal }) => ({ ...trimUser(await client.me(signal)), organization_id: client.orgId }),
  }),
  defineTool({
    name: 'get_organization',
    title: 'Get the organization',
    area: 'organization',
    effect: 'read',
    description:
      'Returns the current Tallyfy organization: id, name, timezone (used to read natural-language deadlines) and the number of active members.',
    output: objectOutput,
    input: {},
    run: async (_args, { client, signal }) => pick(await client.organization(signal), ['id', 'name', 'timezone', 'users_count']),
  }),
];
