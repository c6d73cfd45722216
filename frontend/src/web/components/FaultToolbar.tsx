/** Whole-cluster actions where the mode allows them: add a node. (Each ZooKeeper server has its own controls, ZooKeeperServers.tsx.) */
import { useSyncExternalStore } from 'react';
import { addNode, capabilitiesStore } from '../faults-api.js';
import { useAction } from '../hooks/useAction.js';
import { useShowingPast } from '../replay/past.js';
import { Outcome } from './Outcome.js';

export function FaultToolbar({ disabled }: { disabled: boolean }) {
  const past = useShowingPast();
  const capabilities = useSyncExternalStore(capabilitiesStore.subscribe, capabilitiesStore.getSnapshot);
  const { pending, outcome, run } = useAction();
  if (!capabilities.addNode) return null;
  return (
    <div className="card fault-toolbar" data-testid="fault-toolbar">
      <button type="button" data-testid="add-node" disabled={disabled || past || pending !== null} onClick={() => void run('add', addNode)}>
        {pending === 'add' ? 'Adding…' : 'Add node'}
      </button>
      <Outcome outcome={outcome} testId="toolbar-outcome" />
    </div>
  );
}
