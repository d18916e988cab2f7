import { toolPolicyRoles, type ToolPolicy, type ToolPolicyRole } from '../../../../shared/types/spend';

/** One tool's rule for everyone. */
export type ToolRuleChoice = 'allow' | 'ask' | 'disabled';
/** One tool's extra rule for a role (`inherit` = as for everyone). */
export type RoleRuleChoice = 'inherit' | 'ask' | 'disabled';

/** The editor's rows: tool → its choice for everyone and per role. */
export type PolicyDraft = Record<string, { everyone: ToolRuleChoice } & Record<ToolPolicyRole, RoleRuleChoice>>;

/** The policy as one row per tool in `tools` (names the policy holds but the catalog lacks are kept too). */
export function policyToDraft(policy: ToolPolicy, tools: readonly string[]): PolicyDraft {
  const names = [...new Set([...tools, ...policy.disabled, ...policy.alwaysAsk])];
  const draft: PolicyDraft = {};
  for (const name of names) {
    const row = {
      everyone: policy.disabled.includes(name) ? 'disabled' : policy.alwaysAsk.includes(name) ? 'ask' : 'allow',
    } as PolicyDraft[string];
    for (const role of toolPolicyRoles) {
      const rule = policy.byRole[role];
      row[role] = rule?.disabled.includes(name) ? 'disabled' : rule?.alwaysAsk.includes(name) ? 'ask' : 'inherit';
    }
    draft[name] = row;
  }
  return draft;
}

/** The draft as a `toolPolicy` setting (sorted lists; roles without rules left out). */
export function draftToPolicy(draft: PolicyDraft): ToolPolicy {
  const names = Object.keys(draft).sort();
  const policy: ToolPolicy = {
    disabled: names.filter((name) => draft[name]?.everyone === 'disabled'),
    alwaysAsk: names.filter((name) => draft[name]?.everyone === 'ask'),
    byRole: {},
  };
  for (const role of toolPolicyRoles) {
    const disabled = names.filter((name) => draft[name]?.[role] === 'disabled');
    const alwaysAsk = names.filter((name) => draft[name]?.[role] === 'ask');
    if (disabled.length || alwaysAsk.length) policy.byRole[role] = { disabled, alwaysAsk };
  }
  return policy;
}
