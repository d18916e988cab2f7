import { describe, expect, it } from 'vitest';

import type { UsageReport } from '../../../../shared/types/spend';

import { csvCell, usageCsv } from './usageCsv';

describe('usage CSV', () => {
  it('quotes commas and quotes, and defuses spreadsheet formulas', () => {
    expect(csvCell('Okafor, Bob')).toBe('"Okafor, Bob"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(0.12)).toBe('0.12');
    expect(csvCell(undefined)).toBe('');
  });

  it('writes one line per user per day under a header', () => {
    const row = {
      day: '2026-12-07',
      orgId: 'o1',
      orgName: 'Acme, Inc',
      userId: 'u1',
      name: 'Bob',
      email: 'bob@x',
      usd: 0.1200000001,
      inputTokens: 1,
      outputTokens: 2,
      cacheReadTokens: 3,
      cacheWriteTokens: 4,
      calls: 1,
    };
    const csv = usageCsv({ days: [row] } as unknown as UsageReport);
    expect(csv.split('\r\n')).toEqual([
      'day,org_id,org_name,user_id,name,email,usd,input_tokens,output_tokens,cache_write_tokens,cache_read_tokens,calls',
      '2026-12-07,o1,"Acme, Inc",u1,Bob,bob@x,0.12,1,2,4,3,1',
      '',
    ]);
  });
});
