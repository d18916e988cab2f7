import { z } from 'zod';

import { validateTemplateMapping } from '../analysis/mappingValidation';
import { defineTool, type Tool } from '../defineTool';

/** Offline checks of draft templates. */
export const mappingTools: Tool[] = [
  defineTool({
    name: 'validate_template_mapping',
    title: 'Validate a template draft',
    area: 'analysis',
    effect: 'read',
    openWorld: false,
    description:
      'Checks a draft template before creating it, offline: field, step and rule vocabularies, action type/verb pairs, deadlines, and that every reference points inside the draft. Returns {valid, errors, warnings, summary}.',
    input: {
      mapping: z
        .record(z.string(), z.unknown())
        .describe(
          '{title, summary, kickoff_form[], steps[{id|alias, title, step_type, deadline, form_fields[]}], automations[{conditions[], actions[]}]} in Tallyfy field names.',
        ),
    },
    run: async ({ mapping }) => validateTemplateMapping(mapping),
  }),
];
