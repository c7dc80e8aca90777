/**
 * Tab sharing in Chromium: events/s delivered to a follower tab (over the BroadcastChannel) against
 * the leader tab that holds the connection, for a burst with batching on.
 */
import { runPage } from '../browser/bench-page';
import { median, perSecond } from '../browser/figures';
import { row, type Section } from '../section';

interface TabFigures {
  count: number;
  roles: [string, string];
  rounds: { leader: number[]; follower: number[] };
}

export const tabs: Section = async ({ smoke }) => {
  const f = await runPage<TabFigures>('tabs', smoke ? { count: 500, rounds: 1 } : { count: 50_000, rounds: 5 }, 300_000, ['--retain', '300000']);
  if (f.roles[0] !== 'leader' || f.roles[1] !== 'follower') throw new Error(`tabs: expected a leader and a follower, got ${f.roles.join(' and ')}`);
  const leader = perSecond(f.count, median(f.rounds.leader));
  const follower = perSecond(f.count, median(f.rounds.follower));
  return {
    name: '8. Tab sharing',
    method: `a ${f.count.toLocaleString('en')}-event burst (batching on) to two tabs of one browser sharing one connection, each timed from the request to its last event; median of ${f.rounds.leader.length} rounds.`,
    rows: [row('follower tab', follower, leader, 'events/s', 'leader tab')],
    notes: [`leader tab ${Math.round(leader).toLocaleString('en')} events/s`],
  };
};
