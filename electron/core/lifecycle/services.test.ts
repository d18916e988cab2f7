import { describe, expect, it } from 'vitest';

import { serviceList, type Service } from './services';

function recorder(): { log: string[]; service(name: string, failStart?: boolean, failStop?: boolean): Service } {
  const log: string[] = [];
  return {
    log,
    service: (name, failStart = false, failStop = false) => ({
      name,
      start() {
        if (failStart) throw new Error(`${name} cannot start`);
        log.push(`start ${name}`);
      },
      stop(reason) {
        log.push(`stop ${name} (${reason})`);
        if (failStop) throw new Error(`${name} cannot stop`);
      },
    }),
  };
}

const quiet = { warn: () => undefined };

describe('serviceList', () => {
  it('starts in order and stops in reverse, once', async () => {
    const { log, service } = recorder();
    const list = serviceList([service('a'), service('b'), service('c')], quiet);
    await list.start();
    await list.stop('bye');
    await list.stop('again');
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c (bye)', 'stop b (bye)', 'stop a (bye)']);
  });

  it('stops what started when a later service fails to start, and rethrows', async () => {
    const { log, service } = recorder();
    const list = serviceList([service('a'), service('b'), service('c', true), service('d')], quiet);
    await expect(list.start()).rejects.toThrow('c cannot start');
    expect(log).toEqual(['start a', 'start b', 'stop b (start-up failed)', 'stop a (start-up failed)']);
  });

  it('keeps stopping the rest when one stop throws, and logs which one failed', async () => {
    const { log, service } = recorder();
    const warnings: unknown[] = [];
    const list = serviceList([service('a'), service('b', false, true), service('c')], { warn: (facts: unknown) => warnings.push(facts) });
    await list.start();
    await list.stop('bye');
    expect(log.filter((line) => line.startsWith('stop'))).toEqual(['stop c (bye)', 'stop b (bye)', 'stop a (bye)']);
    expect(warnings).toMatchObject([{ service: 'b' }]);
  });
});
