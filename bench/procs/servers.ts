/**
 * Bench helper process: the fake Anthropic server (demo responder: one task-listing tool call, then
 * a summary) and the Tallyfy sandbox, both on 127.0.0.1, at zero latency. Kept out of the measured
 * processes so their CPU is not counted. Their logs are trimmed every second (memory stays flat).
 */
import { startSandbox } from '../../electron/core/tallyfy/sandbox';
import { startFakeAnthropic } from '../../test/fakes/anthropic/fakeAnthropic';
import { serveParent } from '../lib/child';

const fake = await startFakeAnthropic();
const sandbox = await startSandbox({ logCapacity: 1000 });

const trim = setInterval(() => {
  fake.requests.splice(0, Math.max(0, fake.requests.length - 8));
  fake.messageRequests.splice(0, Math.max(0, fake.messageRequests.length - 8));
  fake.clearCache();
}, 1000);

serveParent(
  {
    /** The last two Messages API bodies and the last Tallyfy request: what one query sent. */
    capture: () => ({
      messages: fake.messageRequests.slice(-2).map((request) => request.body),
      tallyfy: sandbox.requestLog.filter((entry) => entry.path.endsWith('/me/tasks')).at(-1) ?? null,
    }),
    counts: () => ({ messages: fake.messageRequests.length, tallyfy: sandbox.requestLog.length }),
  },
  { anthropicUrl: fake.url, sandboxUrl: sandbox.url },
  async () => {
    clearInterval(trim);
    await fake.close();
    await sandbox.close();
  },
);
