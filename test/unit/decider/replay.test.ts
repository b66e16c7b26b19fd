import { describe, expect, it } from 'vitest';
import { catalog } from '../../support/order-fixtures.js';
import { historyFixtures, readHistoryFixture, replayDecisionPoints } from '../../support/replay.js';

/** Histories recorded from swf-local with the real workers (`npm run capture:histories`). */
describe('replaying recorded histories', () => {
  it('has fixtures to replay, of every released order version', () => {
    expect(historyFixtures.length).toBeGreaterThanOrEqual(10);
    const versions = historyFixtures.map(
      (file) => readHistoryFixture(file)[0]?.workflowExecutionStartedEventAttributes?.workflowType?.version,
    );
    expect(new Set(versions)).toEqual(new Set(['1', '2', '3']));
  });

  for (const file of historyFixtures) {
    it(`makes the recorded decisions at every decision point of ${file}`, () => {
      const points = replayDecisionPoints(readHistoryFixture(file), catalog);
      expect(points.length).toBeGreaterThan(0);
      for (const { completedEventId, recorded, decided } of points)
        expect(decided, `decision task completed at event ${completedEventId}`).toEqual(recorded);
    });
  }
});
