import type { SandboxSeed } from './seedSchema';

/** Org ids and tokens of the fixed seed (ARCHITECTURE §4). Tests and the demo banner use these. */
export const sandboxOrgs = {
  acme: 'a0000000000000000000000000000001',
  beta: 'b0000000000000000000000000000002',
} as const;

/** Demo tokens: token → who it signs in as. */
export const sandboxTokens = {
  alice: 'sandbox-alice',
  bob: 'sandbox-bob',
  carol: 'sandbox-carol',
  dave: 'sandbox-dave',
} as const;

/** User ids of the fixed seed. */
export const sandboxUserIds = { alice: 10001, bob: 10002, carol: 10003, erin: 10004, frank: 10005, dave: 20001 } as const;

/** A deterministic 32-hex id: org letter, a 2-hex kind, a number. */
function sid(org: 'a' | 'b', kind: string, n: number): string {
  return `${org}${kind}${n.toString(16).padStart(29, '0')}`;
}

/** Well-known ids of the fixed seed, for tests. */
export const sandboxIds = {
  vendorTemplate: sid('a', 'c1', 1),
  onboardingTemplate: sid('a', 'c1', 2),
  closeTemplate: sid('a', 'c1', 3),
  incidentTemplate: sid('a', 'c1', 4),
  archivedTemplate: sid('a', 'c1', 5),
  vendorRun: sid('a', 'e1', 1),
  onboardingRun: sid('a', 'e1', 2),
  completedRun: sid('a', 'e1', 3),
  archivedRun: sid('a', 'e1', 4),
  vendorApprovalTask: sid('a', 'd0', 2),
  vendorErpTask: sid('a', 'd0', 4),
  laptopTask: sid('a', 'd0', 11),
  paperworkTask: sid('a', 'd0', 12),
  oneOffTask: sid('a', 'd0', 41),
  financeGroup: sid('a', '90', 1),
  vendorsTag: sid('a', '7a', 1),
  financeFolder: sid('a', 'f1', 1),
  vendorNamePrerun: sid('a', 'f0', 1),
  contractTierPrerun: sid('a', 'f0', 2),
  vendorSteps: [sid('a', '5e', 1), sid('a', '5e', 2), sid('a', '5e', 3), sid('a', '5e', 4)],
  paymentTermsCapture: sid('a', 'ca', 2),
  erpIdCapture: sid('a', 'ca', 3),
  betaTemplate: sid('b', 'c1', 1),
  betaRun: sid('b', 'e1', 1),
  betaTask: sid('b', 'd0', 1),
} as const;

/** ISO 8601 Zulu timestamp `days` from `now` (negative = past), at the given UTC hour. */
function at(now: Date, days: number, hour = 15): string {
  const date = new Date(now);
  date.setUTCDate(date.getUTCDate() + days);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString();
}

/**
 * The fixed seed of ARCHITECTURE §4: Acme Operations (alice admin, bob standard, carol light, a
 * guest, an invited and a disabled member) and Beta Logistics (dave admin), with templates, steps,
 * fields, kick-off fields, processes, tasks in every status, groups, tags, folders, comments and
 * automation rules (including an exact duplicate and a show/hide conflict). Ids are fixed; dates are
 * relative to `now` (default: the current time) so overdue stays overdue.
 */
export function defaultSeed(now: Date = new Date()): SandboxSeed {
  const a = sandboxUserIds;
  const ids = sandboxIds;
  const [wStep, approvalStep, welcomeStep, erpStep] = ids.vendorSteps;
  const guestEmail = 'sam@acme-supplies.example';
  const onb = (n: number): string => sid('a', '5e', 10 + n);
  const close = (n: number): string => sid('a', '5e', 20 + n);
  const vendorTier = { id: 2, text: 'Gold' };
  return {
    orgs: [
      {
        id: sandboxOrgs.acme,
        name: 'Acme Operations',
        timezone: 'America/Chicago',
        users: [
          { id: a.alice, token: sandboxTokens.alice, email: 'alice@acme.example', username: 'alice', first_name: 'Alice', last_name: 'Nguyen', role: 'admin', timezone: 'America/Chicago', job_title: 'Ops Lead', created_at: '2025-01-06T10:00:00.000Z' },
          { id: a.bob, token: sandboxTokens.bob, email: 'bob@acme.example', username: 'bob', first_name: 'Bob', last_name: 'Okafor', role: 'standard', timezone: 'America/New_York', job_title: 'Finance Manager', created_at: '2025-02-01T10:00:00.000Z' },
          { id: a.carol, token: sandboxTokens.carol, email: 'carol@acme.example', username: 'carol', first_name: 'Carol', last_name: 'Schmidt', role: 'light', timezone: 'Europe/Berlin', job_title: 'IT Technician', created_at: '2025-03-01T10:00:00.000Z' },
          { id: a.erin, email: 'erin@acme.example', username: 'erin', first_name: 'Erin', last_name: 'Walsh', role: 'standard', status: 'invited', timezone: null },
          { id: a.frank, email: 'frank@acme.example', username: 'frank', first_name: 'Frank', last_name: 'Moreau', role: 'light', status: 'disabled', timezone: 'UTC' },
        ],
        guests: [
          { id: 4501, email: guestEmail, first_name: 'Sam', last_name: 'Reyes', code: 'MITxZa1z2f5d81bb53f1da7c7fa95a2c', created_at: '2026-02-10T12:00:00.000Z', details: { company_name: 'Acme Supplies', phone_1: '+1 312 555 0100', phone_2: null, associated_members: [a.alice], disabled_at: null } },
        ],
        groups: [
          { id: ids.financeGroup, name: 'Finance Approvers', description: 'Signs off vendor spend', members: [a.alice, a.bob], guests: [] },
          { id: sid('a', '90', 2), name: 'IT Desk', description: 'Laptops, accounts and access', members: [a.carol], guests: [] },
        ],
        tags: [
          { id: ids.vendorsTag, title: 'Vendors', color: '#3498db' },
          { id: sid('a', '7a', 2), title: 'Urgent', color: '#e74c3c' },
          { id: sid('a', '7a', 3), title: 'HR', color: '#2ecc71' },
        ],
        folders: [
          { id: ids.financeFolder, name: 'Finance', folder_type: 'checklist', position: 1 },
          { id: sid('a', 'f1', 2), name: 'People', folder_type: 'checklist', position: 2 },
          { id: sid('a', 'f1', 3), name: 'Active vendors', folder_type: 'run', position: 1 },
          { id: sid('a', 'f1', 4), name: 'Month end', folder_type: 'checklist', parent_id: ids.financeFolder, position: 1 },
        ],
        templates: [
          {
            id: ids.vendorTemplate,
            title: 'Vendor Onboarding',
            type: 'procedure',
            summary: 'Collect tax forms, approve terms, welcome the vendor and set them up in the ERP.',
            guidance: 'Launch one process per new vendor. Finance must approve before the welcome email goes out.',
            owner_id: a.alice,
            folder_id: ids.financeFolder,
            users: [a.alice],
            groups: [ids.financeGroup],
            tag_ids: [ids.vendorsTag],
            created_at: '2026-01-10T10:00:00.000Z',
            prerun: [
              { id: ids.vendorNamePrerun, alias: 'vendor_name', label: 'Vendor name', field_type: 'text', required: true, position: 1 },
              { id: ids.contractTierPrerun, alias: 'contract_tier', label: 'Contract tier', field_type: 'dropdown', required: true, position: 2, options: [{ id: 1, text: 'Standard' }, vendorTier] },
              { id: sid('a', 'f0', 3), alias: 'expected_spend', label: 'Expected annual spend', field_type: 'text', required: false, position: 3 },
            ],
            steps: [
              {
                id: wStep, alias: 'collect_w9', title: 'Collect W-9 and payment terms', summary: '<p>Upload the signed W-9 and agree the payment terms.</p>', step_type: 'task', position: 1,
                assignees: [a.alice], guests: [guestEmail], deadline: { value: 3, unit: 'days', option: 'from', step: 'start_run' },
                captures: [
                  { id: sid('a', 'ca', 1), alias: 'w9_upload', label: 'Signed W-9', field_type: 'file', required: true, position: 1 },
                  { id: ids.paymentTermsCapture, alias: 'payment_terms', label: 'Payment terms', field_type: 'radio', required: true, position: 2, options: [{ id: 1, text: 'Net 30' }, { id: 2, text: 'Net 60' }] },
                ],
              },
              { id: approvalStep, alias: 'finance_approval', title: 'Finance approval', summary: '<p>Approve or reject the vendor terms.</p>', step_type: 'approval', position: 2, groups: [ids.financeGroup], deadline: { value: 1, unit: 'days', option: 'from', step: 'start_run' } },
              { id: welcomeStep, alias: 'welcome_email', title: 'Send welcome email', step_type: 'email', position: 3, assignees: [a.alice] },
              {
                id: erpStep, alias: 'erp_setup', title: 'Set up vendor in ERP', step_type: 'task', position: 4, assignees: [a.bob], deadline: { value: 5, unit: 'days', option: 'from', step: 'start_run' },
                captures: [
                  { id: ids.erpIdCapture, alias: 'erp_vendor_id', label: 'ERP vendor id', field_type: 'text', required: true, position: 1 },
                  { id: sid('a', 'ca', 4), alias: 'go_live', label: 'Go-live date', field_type: 'date', required: false, position: 2 },
                ],
              },
            ],
            automated_actions: [
              {
                id: sid('a', 'aa', 1), automated_alias: 'Welcome after approval',
                conditions: [{ id: sid('a', 'cd', 1), conditionable_id: approvalStep, conditionable_type: 'Step', operation: 'approved', statement: 'any_time', logic: 'and', position: 1 }],
                then_actions: [{ id: sid('a', 'ac', 1), action_type: 'visibility', action_verb: 'show', target_step_id: welcomeStep, position: 1 }],
              },
              {
                id: sid('a', 'aa', 2), automated_alias: 'Welcome after approval (copy)',
                conditions: [{ id: sid('a', 'cd', 2), conditionable_id: approvalStep, conditionable_type: 'Step', operation: 'approved', statement: 'any_time', logic: 'and', position: 1 }],
                then_actions: [{ id: sid('a', 'ac', 2), action_type: 'visibility', action_verb: 'show', target_step_id: welcomeStep, position: 1 }],
              },
              {
                id: sid('a', 'aa', 3), automated_alias: 'Hide ERP setup when rejected',
                conditions: [{ id: sid('a', 'cd', 3), conditionable_id: approvalStep, conditionable_type: 'Step', operation: 'rejected', statement: 'any_time', logic: 'and', position: 1 }],
                then_actions: [{ id: sid('a', 'ac', 3), action_type: 'visibility', action_verb: 'hide', target_step_id: erpStep, position: 1 }],
              },
              {
                id: sid('a', 'aa', 4), automated_alias: 'Show ERP setup when rejected',
                conditions: [{ id: sid('a', 'cd', 4), conditionable_id: approvalStep, conditionable_type: 'Step', operation: 'rejected', statement: 'any_time', logic: 'and', position: 1 }],
                then_actions: [{ id: sid('a', 'ac', 4), action_type: 'visibility', action_verb: 'show', target_step_id: erpStep, position: 1 }],
              },
              {
                id: sid('a', 'aa', 5), automated_alias: 'Gold vendors go to Alice',
                conditions: [{ id: sid('a', 'cd', 5), conditionable_id: ids.contractTierPrerun, conditionable_type: 'Prerun', operation: 'equals', statement: 'Gold', logic: 'and', position: 1 }],
                then_actions: [{ id: sid('a', 'ac', 5), action_type: 'assignment', action_verb: 'assign', target_step_id: erpStep, assignees: { users: [a.alice], guests: [], groups: [] }, position: 1 }],
              },
              {
                id: sid('a', 'aa', 6), automated_alias: 'Tighten deadline on Net 30',
                conditions: [{ id: sid('a', 'cd', 6), conditionable_id: ids.paymentTermsCapture, conditionable_type: 'Capture', operation: 'equals', statement: 'Net 30', logic: 'and', position: 1 }],
                then_actions: [{ id: sid('a', 'ac', 6), action_type: 'deadline', action_verb: 'deadline', target_step_id: erpStep, deadline: { value: 2, unit: 'days', option: 'from' }, position: 1 }],
              },
            ],
          },
          {
            id: ids.onboardingTemplate,
            title: 'Employee Onboarding',
            type: 'procedure',
            summary: 'Everything a new hire needs before and on day one.',
            owner_id: a.bob,
            folder_id: sid('a', 'f1', 2),
            users: [a.bob],
            tag_ids: [sid('a', '7a', 3)],
            created_at: '2026-01-20T10:00:00.000Z',
            prerun: [
              { id: sid('a', 'f0', 11), alias: 'employee_name', label: 'Employee name', field_type: 'text', required: true, position: 1 },
              { id: sid('a', 'f0', 12), alias: 'start_date', label: 'Start date', field_type: 'date', required: true, position: 2 },
              { id: sid('a', 'f0', 13), alias: 'department', label: 'Department', field_type: 'radio', required: false, position: 3, options: [{ id: 1, text: 'Operations' }, { id: 2, text: 'Finance' }, { id: 3, text: 'IT' }] },
            ],
            steps: [
              { id: onb(1), alias: 'prepare_laptop', title: 'Prepare laptop', step_type: 'task', position: 1, assignees: [a.carol], groups: [sid('a', '90', 2)], deadline: { value: 2, unit: 'days', option: 'prior_to', step: 'start_run' } },
              {
                id: onb(2), alias: 'hr_paperwork', title: 'HR paperwork', step_type: 'task', position: 2, assignees: [a.bob], deadline: { value: 3, unit: 'days', option: 'from', step: 'start_run' },
                captures: [
                  { id: sid('a', 'ca', 11), alias: 'notes', label: 'Notes for payroll', field_type: 'textarea', required: false, position: 1 },
                  { id: sid('a', 'ca', 12), alias: 'benefits', label: 'Benefits chosen', field_type: 'multiselect', required: false, position: 2, options: [{ id: 1, text: 'Health' }, { id: 2, text: 'Dental' }, { id: 3, text: 'Pension' }] },
                  { id: sid('a', 'ca', 13), alias: 'contract_type', label: 'Contract type', field_type: 'dropdown', required: true, position: 3, options: [{ id: 1, text: 'Permanent' }, { id: 2, text: 'Fixed term' }] },
                ],
              },
              { id: onb(3), alias: 'manager_signoff', title: 'Manager sign-off', step_type: 'approval', position: 3, assignees: [a.alice] },
              { id: onb(4), alias: 'welcome_pack', title: 'Send welcome pack', step_type: 'expiring', position: 4, assignees: [a.bob] },
            ],
            automated_actions: [
              {
                id: sid('a', 'aa', 11), automated_alias: 'IT hires skip welcome pack',
                conditions: [{ id: sid('a', 'cd', 11), conditionable_id: sid('a', 'f0', 13), conditionable_type: 'Prerun', operation: 'equals', statement: 'IT', logic: 'and', position: 1 }],
                then_actions: [{ id: sid('a', 'ac', 11), action_type: 'visibility', action_verb: 'hide', target_step_id: onb(4), position: 1 }],
              },
            ],
          },
          {
            id: ids.closeTemplate,
            title: 'Monthly Close',
            type: 'procedure',
            summary: 'Month-end close checklist for finance.',
            owner_id: a.bob,
            folder_id: sid('a', 'f1', 4),
            groups: [ids.financeGroup],
            prerun: [{ id: sid('a', 'f0', 21), alias: 'month', label: 'Month', field_type: 'text', required: true, position: 1 }],
            steps: [
              { id: close(1), title: 'Reconcile bank accounts', step_type: 'task', position: 1, groups: [ids.financeGroup] },
              { id: close(2), title: 'Review accruals', step_type: 'task', position: 2, assignees: [a.bob] },
              { id: close(3), title: 'CFO sign-off', step_type: 'approval', position: 3, assignees: [a.alice] },
            ],
          },
          {
            id: ids.incidentTemplate,
            title: 'Incident Report',
            type: 'form',
            summary: 'Report a safety or service incident.',
            owner_id: a.alice,
            prerun: [
              { id: sid('a', 'f0', 31), alias: 'what_happened', label: 'What happened?', field_type: 'textarea', required: true, position: 1 },
              { id: sid('a', 'f0', 32), alias: 'severity', label: 'Severity', field_type: 'dropdown', required: true, position: 2, options: [{ id: 1, text: 'Low' }, { id: 2, text: 'High' }] },
            ],
            steps: [{ id: sid('a', '5e', 31), title: 'Triage the incident', step_type: 'task', position: 1, assignees: [a.alice] }],
          },
          {
            id: ids.archivedTemplate,
            title: 'Old Expense Policy',
            type: 'document',
            owner_id: a.alice,
            archived_at: at(now, -60),
            steps: [{ id: sid('a', '5e', 41), title: 'Read the policy', step_type: 'task', position: 1 }],
          },
        ],
        runs: [
          { id: ids.vendorRun, checklist_id: ids.vendorTemplate, name: 'Vendor Onboarding - Acme Supplies', status: 'active', owner_id: a.alice, prerun: { [ids.vendorNamePrerun]: 'Acme Supplies', [ids.contractTierPrerun]: vendorTier }, users: [a.alice], groups: [ids.financeGroup], tag_ids: [ids.vendorsTag], folder_ids: [sid('a', 'f1', 3)], created_at: at(now, -5) },
          { id: ids.onboardingRun, checklist_id: ids.onboardingTemplate, name: 'Employee Onboarding - Dana Lee', status: 'problem', owner_id: a.bob, prerun: { [sid('a', 'f0', 11)]: 'Dana Lee', [sid('a', 'f0', 12)]: at(now, 2, 9), [sid('a', 'f0', 13)]: 'Operations' }, users: [a.bob], tag_ids: [sid('a', '7a', 3)], created_at: at(now, -3) },
          { id: ids.completedRun, checklist_id: ids.vendorTemplate, name: 'Vendor Onboarding - Globex', status: 'complete', owner_id: a.alice, prerun: { [ids.vendorNamePrerun]: 'Globex', [ids.contractTierPrerun]: { id: 1, text: 'Standard' } }, users: [a.alice], tag_ids: [ids.vendorsTag], created_at: at(now, -40) },
          { id: ids.archivedRun, checklist_id: ids.closeTemplate, name: 'Monthly Close - last month', status: 'archived', owner_id: a.bob, prerun: { [sid('a', 'f0', 21)]: 'Last month' }, archived_at: at(now, -10), created_at: at(now, -35) },
        ],
        tasks: [
          // Vendor Onboarding - Acme Supplies
          { id: sid('a', 'd0', 1), run_id: ids.vendorRun, step_id: wStep, title: 'Collect W-9 and payment terms', status: 'completed', position: 1, owners: { users: [a.alice], guests: [guestEmail], groups: [] }, deadline: at(now, -2), completed_at: at(now, -3), completer_id: a.alice, taskdata: { [ids.paymentTermsCapture]: 'Net 30' } },
          { id: ids.vendorApprovalTask, run_id: ids.vendorRun, step_id: approvalStep, title: 'Finance approval', task_type: 'approval', status: 'not-started', position: 2, owners: { users: [], guests: [], groups: [ids.financeGroup] }, deadline: at(now, -1) },
          { id: sid('a', 'd0', 3), run_id: ids.vendorRun, step_id: welcomeStep, title: 'Send welcome email', task_type: 'email', status: 'auto-skipped', position: 3, owners: { users: [a.alice], guests: [], groups: [] }, deadline: at(now, 2) },
          { id: ids.vendorErpTask, run_id: ids.vendorRun, step_id: erpStep, title: 'Set up vendor in ERP', status: 'in-progress', position: 4, owners: { users: [a.bob, a.alice], guests: [], groups: [] }, deadline: at(now, 3) },
          // Employee Onboarding - Dana Lee
          { id: ids.laptopTask, run_id: ids.onboardingRun, step_id: onb(1), title: 'Prepare laptop', status: 'in-progress', position: 1, owners: { users: [a.carol], guests: [], groups: [sid('a', '90', 2)] }, deadline: at(now, -1, 9) },
          { id: ids.paperworkTask, run_id: ids.onboardingRun, step_id: onb(2), title: 'HR paperwork', status: 'not-started', position: 2, owners: { users: [a.bob], guests: [], groups: [] }, deadline: at(now, 1) },
          { id: sid('a', 'd0', 13), run_id: ids.onboardingRun, step_id: onb(3), title: 'Manager sign-off', task_type: 'approval', status: 'not-started', position: 3, owners: { users: [a.alice], guests: [], groups: [] }, deadline: at(now, 2) },
          { id: sid('a', 'd0', 14), run_id: ids.onboardingRun, step_id: onb(4), title: 'Send welcome pack', task_type: 'expiring', status: 'not-started', position: 4, owners: { users: [a.bob], guests: [], groups: [] }, deadline: at(now, 4) },
          // Vendor Onboarding - Globex (complete)
          { id: sid('a', 'd0', 21), run_id: ids.completedRun, step_id: wStep, title: 'Collect W-9 and payment terms', status: 'completed', position: 1, owners: { users: [a.alice], guests: [], groups: [] }, deadline: at(now, -38), completed_at: at(now, -39), completer_id: a.alice, taskdata: { [ids.paymentTermsCapture]: 'Net 60' } },
          { id: sid('a', 'd0', 22), run_id: ids.completedRun, step_id: approvalStep, title: 'Finance approval', task_type: 'approval', status: 'completed', is_approved: true, position: 2, owners: { users: [a.bob], guests: [], groups: [] }, deadline: at(now, -37), completed_at: at(now, -37), completer_id: a.bob },
          { id: sid('a', 'd0', 23), run_id: ids.completedRun, step_id: welcomeStep, title: 'Send welcome email', task_type: 'email', status: 'completed', position: 3, owners: { users: [a.alice], guests: [], groups: [] }, deadline: at(now, -36), completed_at: at(now, -36), completer_id: a.alice },
          { id: sid('a', 'd0', 24), run_id: ids.completedRun, step_id: erpStep, title: 'Set up vendor in ERP', status: 'completed', position: 4, owners: { users: [a.bob], guests: [], groups: [] }, deadline: at(now, -35), completed_at: at(now, -35), completer_id: a.bob, taskdata: { [ids.erpIdCapture]: 'V-20931' } },
          // Monthly Close - archived run
          { id: sid('a', 'd0', 31), run_id: ids.archivedRun, step_id: close(1), title: 'Reconcile bank accounts', status: 'completed', position: 1, owners: { users: [a.bob], guests: [], groups: [] }, deadline: at(now, -30), completed_at: at(now, -31), completer_id: a.bob },
          // One-off tasks
          { id: ids.oneOffTask, title: 'Renew insurance policy', summary: 'Compare three quotes before renewing.', status: 'not-started', owners: { users: [a.alice], guests: [], groups: [] }, deadline: at(now, 7), tag_ids: [sid('a', '7a', 2)] },
          { id: sid('a', 'd0', 42), title: 'Order office supplies', status: 'in-progress', owners: { users: [a.bob], guests: [], groups: [] }, deadline: at(now, -2) },
          { id: sid('a', 'd0', 43), title: 'Review Q3 report', task_type: 'approval', status: 'completed', is_approved: true, owners: { users: [a.carol, a.alice], guests: [], groups: [] }, deadline: at(now, -6), completed_at: at(now, -7), completer_id: a.carol },
          { id: sid('a', 'd0', 44), title: 'Send supplier price list', status: 'not-started', owners: { users: [], guests: [guestEmail], groups: [] }, deadline: at(now, 5) },
        ],
        threads: [
          { id: sid('a', 'c0', 1), task_id: ids.vendorApprovalTask, content: `@[${a.bob}] please approve today`, label: 'comment', author_id: a.alice, created_at: at(now, -1, 9), sent_to: [a.bob] },
          { id: sid('a', 'c0', 2), task_id: ids.vendorApprovalTask, content: 'Looking at it this afternoon.', label: 'comment', author_id: a.bob, created_at: at(now, -1, 11) },
          { id: sid('a', 'c0', 3), task_id: ids.laptopTask, content: 'The laptop model is backordered until next week.', label: 'problem', state: 'open', author_id: a.carol, created_at: at(now, -1, 10) },
          { id: sid('a', 'c0', 4), task_id: sid('a', 'd0', 22), content: 'Approved: terms match the framework agreement.', label: 'comment', author_id: a.bob, created_at: at(now, -37) },
        ],
      },
      {
        id: sandboxOrgs.beta,
        name: 'Beta Logistics',
        timezone: 'Europe/London',
        users: [
          { id: a.dave, token: sandboxTokens.dave, email: 'dave@beta.example', username: 'dave', first_name: 'Dave', last_name: 'Kowalski', role: 'admin', timezone: 'Europe/London', job_title: 'Warehouse Manager' },
        ],
        tags: [{ id: sid('b', '7a', 1), title: 'Inbound', color: '#9b59b6' }],
        templates: [
          {
            id: ids.betaTemplate, title: 'Shipment Intake', type: 'procedure', summary: 'Receive, inspect and shelve an inbound shipment.', owner_id: a.dave, users: [a.dave],
            prerun: [{ id: sid('b', 'f0', 1), label: 'Carrier reference', field_type: 'text', required: true, position: 1 }],
            steps: [
              { id: sid('b', '5e', 1), title: 'Inspect pallets', step_type: 'task', position: 1, assignees: [a.dave] },
              { id: sid('b', '5e', 2), title: 'Shelve stock', step_type: 'task', position: 2, assignees: [a.dave] },
            ],
          },
        ],
        runs: [{ id: ids.betaRun, checklist_id: ids.betaTemplate, name: 'Shipment Intake - PO 7781', owner_id: a.dave, prerun: { [sid('b', 'f0', 1)]: 'DHL-7781' }, users: [a.dave], tag_ids: [sid('b', '7a', 1)], created_at: at(now, -1) }],
        tasks: [
          { id: ids.betaTask, run_id: ids.betaRun, step_id: sid('b', '5e', 1), title: 'Inspect pallets', status: 'in-progress', position: 1, owners: { users: [a.dave], guests: [], groups: [] }, deadline: at(now, 1) },
          { id: sid('b', 'd0', 2), run_id: ids.betaRun, step_id: sid('b', '5e', 2), title: 'Shelve stock', status: 'not-started', position: 2, owners: { users: [a.dave], guests: [], groups: [] }, deadline: at(now, 2) },
        ],
      },
    ],
  };
}
