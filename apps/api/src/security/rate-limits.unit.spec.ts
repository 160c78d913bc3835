import { WindowCounterStorage } from './rate-limits';

const MINUTE = 60_000;

/** A storage on a clock the test moves. */
function storage() {
  const clock = { now: 1_000_000 };
  const store = new WindowCounterStorage(() => clock.now);
  const hit = (key = 'user:a', limit = 3, blockDuration = MINUTE, name = 'user') =>
    store.increment(key, MINUTE, limit, blockDuration, name);
  return { clock, store, hit };
}

describe('the rate limits’ window counter', () => {
  it('given a fresh key, when requests come up to the limit, then each is counted and none is refused', async () => {
    const { hit } = storage();
    const answers = [await hit(), await hit(), await hit()];
    expect(answers.map((a) => [a.totalHits, a.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(answers[0].timeToExpire).toBe(60);
  });

  it('given the limit reached, when one more comes, then it is refused until the block ends, with the seconds left', async () => {
    const { clock, hit } = storage();
    for (let i = 0; i < 3; i += 1) await hit();
    clock.now += 10_000;
    const refused = await hit();
    expect(refused).toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 60 });
    clock.now += 30_500;
    // Still blocked, however many times it asks; its count does not grow while blocked.
    expect(await hit()).toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 30 });
    clock.now += 30_000;
    expect(await hit()).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('given a window that has closed, when the key comes back, then it starts a new count', async () => {
    const { clock, hit } = storage();
    await hit();
    await hit();
    clock.now += MINUTE;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('keeps one count per key and per limit: a client does not spend another’s budget', async () => {
    const { hit } = storage();
    for (let i = 0; i < 4; i += 1) await hit('user:a');
    expect(await hit('user:b')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit('user:a', 3, MINUTE, 'identity-read')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect((await hit('user:a')).isBlocked).toBe(true);
  });

  it('forgets idle keys once their window has closed, but not a key still blocked', async () => {
    const { clock, store, hit } = storage();
    await hit('idle');
    for (let i = 0; i < 4; i += 1) await hit('flooding', 3, 5 * MINUTE);
    clock.now += 2 * MINUTE;
    // The next request, a minute or more after the last sweep, sweeps on its way.
    expect((await hit('flooding', 3, 5 * MINUTE)).isBlocked).toBe(true);
    expect(store.size).toBe(1);
  });
});
