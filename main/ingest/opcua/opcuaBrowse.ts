/**
 * One level of the server's address space under a node (default: the Objects folder),
 * following hierarchical references forward, for the operator to pick variables from.
 * Each variable says which equipment and reading the naming template would give it.
 */
import { BrowseDirection, NodeClass, resolveNodeId, type ClientSession } from 'node-opcua';
import type { BrowsedNode } from '../../../shared/api/opcuaTypes';
import { InputError } from '../../../shared/api/errors';
import { compileNaming, nodeIdentifier } from '../../../shared/ingest/opcuaNaming';

export const OBJECTS_FOLDER = 'ns=0;i=85';
/** Children shown per level; a bigger folder says how many more there are. */
export const MAX_CHILDREN = 2_000;

export async function browseChildren(session: ClientSession, nodeId: string, naming: string): Promise<{ nodes: BrowsedNode[]; more: boolean }> {
  let resolved;
  try {
    resolved = resolveNodeId(nodeId);
  } catch {
    throw new InputError(`${nodeId.slice(0, 200)} is not an OPC UA node id`);
  }
  const result = await session.browse({
    nodeId: resolved,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    nodeClassMask: NodeClass.Object | NodeClass.Variable,
    resultMask: 0x3f,
  });
  if (!result.statusCode.isGood()) throw new InputError(`the server cannot browse ${nodeId.slice(0, 200)} (${result.statusCode.name})`);
  const template = compileNaming(naming, 'naming');
  const references = result.references ?? [];
  const nodes = references.slice(0, MAX_CHILDREN).map((reference): BrowsedNode => {
    const id = reference.nodeId.toString();
    const nodeClass = (NodeClass[reference.nodeClass] ?? 'Unspecified') as BrowsedNode['nodeClass'];
    const named = nodeClass === 'Variable' ? template.match(nodeIdentifier(id)) : null;
    return {
      nodeId: id,
      browseName: reference.browseName.toString(),
      displayName: reference.displayName.text ?? reference.browseName.name ?? id,
      nodeClass,
      mapsTo: named?.equipment ? { equipmentId: named.equipment, reading: named.reading ?? 'value' } : null,
    };
  });
  nodes.sort((a, b) => a.displayName.localeCompare(b.displayName, 'en', { numeric: true }));
  return { nodes, more: references.length > MAX_CHILDREN || result.continuationPoint != null };
}
