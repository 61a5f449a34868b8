/** The `window.plant` API, handed down the tree so that views (and tests) need no global. */
import { createContext, useContext, type ReactNode } from 'react';
import type { PlantApi } from '../../shared/api/plantApi';

const PlantContext = createContext<PlantApi | null>(null);

export function PlantProvider({ plant, children }: { readonly plant: PlantApi; readonly children: ReactNode }) {
  return <PlantContext.Provider value={plant}>{children}</PlantContext.Provider>;
}

export function usePlant(): PlantApi {
  const plant = useContext(PlantContext);
  if (!plant) throw new Error('usePlant: no PlantProvider above this component');
  return plant;
}
