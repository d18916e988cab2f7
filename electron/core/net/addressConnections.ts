/**
 * Open connections per client address: the gateway's per-address cap reads {@link held} at each
 * upgrade and reports {@link opened}/{@link closed}. One node counts in memory
 * ({@link memoryAddressConnections}); a cluster adds what the other nodes hold (electron/core/cluster).
 */
export interface AddressConnections {
  /** Connections `address` holds now (on every node of the cluster, as last heard). */
  held(address: string): number;
  opened(address: string): void;
  closed(address: string): void;
  /** This node's own counts, address → open connections (no zero entries). */
  local(): Record<string, number>;
}

/** Counts in memory, for one node. `onChange` is told after every open and close. */
export function memoryAddressConnections(onChange?: () => void): AddressConnections {
  const open = new Map<string, number>();
  return {
    held: (address) => open.get(address) ?? 0,
    opened(address) {
      open.set(address, (open.get(address) ?? 0) + 1);
      onChange?.();
    },
    closed(address) {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
      onChange?.();
    },
    local: () => Object.fromEntries(open),
  };
}
