import { describe, expect, it } from 'vitest';

import { toolPolicySchema } from '../../../shared/types/spend';

import { disabledToolMessage, effectiveToolPolicy } from './toolPolicy';

const policy = toolPolicySchema.parse({
  disabled: ['delete_template'],
  alwaysAsk: ['complete_task'],
  byRole: { light: { disabled: ['launch_process'], alwaysAsk: ['add_comment', 'delete_template'] } },
});

describe('effectiveToolPolicy', () => {
  it('adds the role rules to the everyone rules; roles are matched as Tallyfy reports them', () => {
    const light = effectiveToolPolicy(policy, 'Light');
    expect([...light.disabled].sort()).toEqual(['delete_template', 'launch_process']);
    // A disabled tool is not also "always ask".
    expect([...light.alwaysAsk].sort()).toEqual(['add_comment', 'complete_task']);
    expect(light.role).toBe('light');
    const admin = effectiveToolPolicy(policy, 'admin');
    expect([...admin.disabled]).toEqual(['delete_template']);
    expect(admin.role).toBeUndefined();
    expect(effectiveToolPolicy(policy, undefined).signature).toBe(admin.signature);
    expect(light.signature).not.toBe(admin.signature);
  });

  it('names the policy that disabled a tool', () => {
    expect(disabledToolMessage('launch_process', policy, 'light')).toMatch(
      /tool policy for the light role \(toolPolicy\.byRole\.light\.disabled\)/,
    );
    expect(disabledToolMessage('delete_template', policy, 'light')).toMatch(/\(toolPolicy\.disabled\)/);
  });

  it('the schema refuses a malformed tool name and unknown roles', () => {
    expect(toolPolicySchema.safeParse({ disabled: ['rm -rf'] }).success).toBe(false);
    expect(toolPolicySchema.safeParse({ byRole: { guest: { disabled: [] } } }).success).toBe(false);
    expect(toolPolicySchema.parse({})).toEqual({ disabled: [], alwaysAsk: [], byRole: {} });
  });
});
