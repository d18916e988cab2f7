import { toolPolicyRoles, type ToolPolicy, type ToolPolicyRole } from '../../../shared/types/spend';

/** The tool policy as it applies to one teammate: the everyone rules plus their role's. */
export interface EffectiveToolPolicy {
  /** Tools not offered and refused. */
  readonly disabled: ReadonlySet<string>;
  /** Tools that ask before every call. */
  readonly alwaysAsk: ReadonlySet<string>;
  /** The role whose rules were added, when the teammate's role has any. */
  readonly role: ToolPolicyRole | undefined;
  /** A stable text of the two sets, to notice a change between queries. */
  readonly signature: string;
}

const isPolicyRole = (role: string | undefined): role is ToolPolicyRole =>
  (toolPolicyRoles as readonly (string | undefined)[]).includes(role);

/** The rules `policy` sets for a teammate with Tallyfy `role` (roles other than admin, standard and light get the everyone rules only). */
export function effectiveToolPolicy(policy: ToolPolicy, role: string | undefined): EffectiveToolPolicy {
  const normalized = role?.trim().toLowerCase();
  const roleRule = isPolicyRole(normalized) ? policy.byRole[normalized] : undefined;
  const disabled = new Set([...policy.disabled, ...(roleRule?.disabled ?? [])]);
  const alwaysAsk = new Set([...policy.alwaysAsk, ...(roleRule?.alwaysAsk ?? [])].filter((name) => !disabled.has(name)));
  return {
    disabled,
    alwaysAsk,
    role: roleRule ? (normalized as ToolPolicyRole) : undefined,
    signature: JSON.stringify([[...disabled].sort(), [...alwaysAsk].sort()]),
  };
}

/** The refusal for a disabled tool, naming the policy that disabled it. */
export function disabledToolMessage(tool: string, policy: ToolPolicy, role: string | undefined): string {
  const normalized = role?.trim().toLowerCase();
  const byRole = isPolicyRole(normalized) && policy.byRole[normalized]?.disabled.includes(tool) && !policy.disabled.includes(tool);
  const which = byRole
    ? `the gateway's tool policy for the ${normalized} role (toolPolicy.byRole.${normalized}.disabled)`
    : "the gateway's tool policy (toolPolicy.disabled)";
  return `The tool ${tool} is disabled by ${which}. Ask the gateway admin if you need it.`;
}
