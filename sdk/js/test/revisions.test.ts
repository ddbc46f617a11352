/**
 * The pushes of changes to a group's attributes and counters, arriving out of the order the
 * server numbered them (two changes made at once, or on two nodes), played directly: no server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toAttributesUpdate } from '../src/attributes.js';
import { toCounterUpdate } from '../src/counters.js';
import { NewestRevisions, type Revised } from '../src/revisions.js';
import type { WireGroupAttributesChanged, WireGroupCounter } from '../src/wire.js';

const counter = (groupID: string, key: string, value: number, revision: number): WireGroupCounter => ({
  groupID,
  key,
  value,
  revision,
});

const attributes = (groupID: string, turn: string, revision: number): WireGroupAttributesChanged => ({
  groupID,
  groupAttributes: { turn },
  updatedKeyList: ['turn'],
  deletedKeyList: [],
  revision,
});

/** The values a client tells its app, of the pushes as they arrive. */
function told<T>(pushes: (Revised<T> | null)[], newest: NewestRevisions): T[] {
  return pushes.flatMap((push) => (push !== null && newest.admit(push) ? [push.data] : []));
}

describe('pushes of group attributes and counters, newest only', () => {
  test("a counter's older push arriving after a newer one is dropped: the app never sees it go back", () => {
    const pushes = [counter('g', 'votes', 1, 1), counter('g', 'votes', 3, 3), counter('g', 'votes', 2, 2)];
    const values = told(pushes.map(toCounterUpdate), new NewestRevisions()).map((d) => d.value);
    assert.deepEqual(values, [1, 3]);
  });

  test('each counter, and each group, has its own order; attributes theirs', () => {
    const newest = new NewestRevisions();
    const counters = told(
      [counter('g', 'a', 1, 5), counter('g', 'b', 1, 4), counter('h', 'a', 1, 1), counter('g', 'a', 0, 5)].map(toCounterUpdate),
      newest,
    );
    assert.deepEqual(
      counters.map((d) => `${d.groupID}/${d.key}`),
      ['g/a', 'g/b', 'h/a'],
      'a repeated push is told once',
    );
    const turns = told([attributes('g', 'bob', 7), attributes('g', 'alice', 6), attributes('h', 'carol', 1)].map(toAttributesUpdate), newest);
    assert.deepEqual(
      turns.map((d) => `${d.groupID}:${d.groupAttributes.turn}`),
      ['g:bob', 'h:carol'],
    );
  });

  test('a push without a revision is malformed, and forgetting starts afresh', () => {
    const { revision: _, ...unnumbered } = counter('g', 'a', 1, 1);
    assert.equal(toCounterUpdate(unnumbered), null);
    const newest = new NewestRevisions();
    assert.ok(newest.admit(toCounterUpdate(counter('g', 'a', 1, 2))!));
    newest.clear();
    assert.ok(newest.admit(toCounterUpdate(counter('g', 'a', 1, 1))!), 'after logout');
  });
});
