/**
 * Which life of /election a registry read was made in. Fencing tokens are /election's sequence
 * numbers; a wiped ZooKeeper (or a deleted /election) starts them again from 0, so the gateway
 * compares tokens only within one incarnation (feed/leader-tracker.ts).
 *
 * The identity is the znode's czxid and ctime together: after a wipe the zxids start again too, so
 * the czxid alone can repeat; the creation time (the server's clock, ms) tells the two apart.
 */
import type { ZkStat } from '@zkviz/shared/zk';
import { toZnodeStat } from '../zookeeper/znode-reader.js';

export function electionIncarnation(stat: ZkStat): string {
  const { czxid, ctime } = toZnodeStat(stat);
  return `${czxid}@${ctime}`;
}
