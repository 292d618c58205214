import { describe, expect, it } from 'vitest';
import { eventName, truncateBytes } from '../../../src/kube/event-recorder.js';

describe('Events on the HTTPRoute', () => {
  it('are named <route>.<hex time><random>: a valid name, unique per event and per process', () => {
    const name = eventName('bookinfo', 1_795_000_000_000, 0.5);
    expect(name).toMatch(/^bookinfo\.[0-9a-f]+$/);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
    expect(eventName('bookinfo', 1_795_000_000_000, 0.25)).not.toBe(name);
  });

  it('keep a note within the apiserver\'s 1 kB, counted in bytes (× and → are two and three)', () => {
    const note = '×→'.repeat(400);
    const cut = truncateBytes(note, 1024);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1024);
    expect(cut.endsWith('...')).toBe(true);
    expect(truncateBytes('short', 1024)).toBe('short');
  });
});
