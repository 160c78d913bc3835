import { parisDayStart } from '../shared/paris-time';
import { accessLogWindow } from './access-log.dto';

describe('the window of an access-log query', () => {
  it('takes a date as a whole Paris day', () => {
    expect(new Date(parisDayStart('2026-01-15')).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(new Date(parisDayStart('2026-07-15')).toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(accessLogWindow('2026-03-01', '2026-03-31')).toEqual({
      from: '2026-02-28T23:00:00.000Z',
      to: '2026-03-31T22:00:00.000Z',
    });
    expect(accessLogWindow(undefined, '2026-03-01T10:00:00+01:00')).toEqual({
      from: undefined,
      to: '2026-03-01T09:00:00.001Z',
    });
  });

  it('ends a timestamp just after it, so that `to` is included', () => {
    expect(accessLogWindow('2026-03-01T10:00:00+01:00', undefined)).toEqual({
      from: '2026-03-01T09:00:00.000Z',
      to: undefined,
    });
  });
});
