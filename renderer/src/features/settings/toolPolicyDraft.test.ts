import { describe, expect, it } from 'vitest';

import { draftToPolicy, policyToDraft } from './toolPolicyDraft';

describe('the tool-policy editor draft', () => {
  it('round-trips a policy through one row per tool, keeping names the catalog lacks', () => {
    const policy = {
      disabled: ['delete_group'],
      alwaysAsk: ['create_tag'],
      byRole: { light: { disabled: ['launch_process'], alwaysAsk: ['get_me'] } },
    };
    const draft = policyToDraft(policy, ['create_tag', 'get_me', 'launch_process']);
    expect(draft.delete_group).toEqual({ everyone: 'disabled', admin: 'inherit', standard: 'inherit', light: 'inherit' });
    expect(draft.launch_process).toEqual({ everyone: 'allow', admin: 'inherit', standard: 'inherit', light: 'disabled' });
    expect(draftToPolicy(draft)).toEqual(policy);
    draft.get_me!.light = 'inherit';
    draft.create_tag!.standard = 'disabled';
    expect(draftToPolicy(draft)).toEqual({
      disabled: ['delete_group'],
      alwaysAsk: ['create_tag'],
      byRole: { light: { disabled: ['launch_process'], alwaysAsk: [] }, standard: { disabled: ['create_tag'], alwaysAsk: [] } },
    });
  });
});
