import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SLICE_ITEMS, SLICE_MS, SLICE_WALL_MS, Slicer, type SliceClock } from '../../src/node/index/slices';

/** Clocks the test moves by hand. */
function clocks(withCpu: boolean): SliceClock & { at: { wall: number; cpu: number } } {
  const at = { wall: 1000, cpu: 50 };
  return { at, wall: () => at.wall, cpu: withCpu ? () => at.cpu : undefined };
}

describe('Slicer', () => {
  it('without a thread clock, a slice ends after SLICE_MS of wall time', () => {
    const c = clocks(false);
    const s = new Slicer(c);
    c.at.wall += SLICE_MS - 1;
    assert.equal(s.due(), false);
    c.at.wall += 1;
    assert.equal(s.due(), true);
  });

  it('a thread that was descheduled goes on working until it had SLICE_MS of CPU, or SLICE_WALL_MS passed', () => {
    const c = clocks(true);
    const s = new Slicer(c);
    c.at.wall += SLICE_MS + 4;
    c.at.cpu += 2;
    assert.equal(s.due(), false, 'the wall time passed, but the thread did little work');
    c.at.cpu += SLICE_MS - 2;
    assert.equal(s.due(), true);

    const t = new Slicer(c);
    c.at.wall += SLICE_WALL_MS - 1;
    assert.equal(t.due(), false);
    c.at.wall += 1;
    assert.equal(t.due(), true, 'however little CPU it got, a slice ends at SLICE_WALL_MS');
  });

  it(`a slice ends after ${SLICE_ITEMS} items however fast they go, and pause() starts a new one`, async () => {
    const c = clocks(true);
    const s = new Slicer(c);
    for (let i = 1; i < SLICE_ITEMS; i++) assert.equal(s.due(), false);
    assert.equal(s.due(), true);
    c.at.wall += SLICE_WALL_MS;
    await s.pause();
    assert.equal(s.due(), false);
  });
});
