/**
 * Whether the page's controls work: the kill buttons (off while the cluster has no leader, the link
 * is down or the past is shown) and the fault actions (off while the link is down or in the past).
 * The same for every row and every chain mark, and changing with the cluster's state: a failover
 * turns the kills off and on again. App owns one store and sets it; the controls subscribe to it.
 * Not a context value and not a prop: a changed context value makes React walk every component
 * below its provider (the whole page at 100 nodes: rows, marks, znodes) to find its readers, and a
 * prop re-renders everything on the way down; a store's change re-renders its subscribers alone.
 * The context carries the store itself, which never changes.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';

export interface Controls {
  killDisabled: boolean;
  linkDown: boolean;
}

export interface ControlsStore {
  set: (controls: Controls) => void;
  subscribe: (listener: () => void) => () => void;
  get: () => Controls;
}

const OFF: Controls = { killDisabled: true, linkDown: true };

export function createControlsStore(): ControlsStore {
  let current = OFF;
  const listeners = new Set<() => void>();
  return {
    set: (controls) => {
      if (controls.killDisabled === current.killDisabled && controls.linkDown === current.linkDown) return;
      current = controls;
      for (const l of listeners) l();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: () => current,
  };
}

/** Outside a provider everything is off. */
export const ControlsContext = createContext<ControlsStore>(createControlsStore());

export function useControls(): Controls {
  const store = useContext(ControlsContext);
  return useSyncExternalStore(store.subscribe, store.get);
}
