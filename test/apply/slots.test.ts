import { describe, expect, it } from 'vitest';
import { AgentSlots } from '../../src/apply/slots.js';

describe('AgentSlots', () => {
  it('gives a freed slot to an agent back from a wait before one that has not started', async () => {
    const slots = new AgentSlots(1);
    const order: string[] = [];
    await slots.acquire();
    const starting = slots.acquire().then(() => order.push('starting'));
    const resuming = slots.acquire(true).then(() => order.push('resuming'));

    slots.release();
    await resuming;
    slots.release();
    await starting;

    expect(order).toEqual(['resuming', 'starting']);
  });

  it('hands out at most its size at once', async () => {
    const slots = new AgentSlots(2);
    let held = 0;
    await slots.acquire().then(() => held++);
    await slots.acquire().then(() => held++);
    const third = slots.acquire().then(() => held++);
    await Promise.resolve();
    expect(held).toBe(2);

    slots.release();
    await third;
    expect(held).toBe(3);
  });
});
