/**
 * The server's address space as a tree, each level read from the server when it is opened
 * (opcua.browse). "Find" narrows what the opened levels show to names containing the text;
 * a variable's Add button puts it among the monitored items, showing which equipment and
 * reading the naming template gives it.
 */
import { Alert, Box, Button, Collapse, List, ListItem, ListItemButton, ListItemText, TextField, Typography } from '@mui/material';
import ExpandMore from '@mui/icons-material/ExpandMore';
import ChevronRight from '@mui/icons-material/ChevronRight';
import { useEffect, useState } from 'react';
import type { BrowsedNode } from '../../../../shared/api/opcuaTypes';
import { errorMessage } from '../../../common/format';
import { usePlant } from '../../../common/usePlant';

type Level = { readonly nodes: readonly BrowsedNode[]; readonly more: boolean } | { readonly error: string } | null;

export interface OpcuaBrowserProps {
  readonly connected: boolean;
  readonly picked: ReadonlySet<string>;
  readonly onAdd: (nodeId: string) => void;
}

export function OpcuaBrowser({ connected, picked, onAdd }: OpcuaBrowserProps) {
  const [find, setFind] = useState('');
  if (!connected) {
    return (
      <Typography variant="body2" data-testid="opcua-browser" data-state="off">
        Connect to a server to browse its address space.
      </Typography>
    );
  }
  return (
    <Box data-testid="opcua-browser" data-state="on">
      <TextField
        size="small"
        label="Find a variable by name"
        value={find}
        onChange={(e) => setFind(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'opcua-find', spellCheck: false } }}
        sx={{ mb: 1, minWidth: 320 }}
      />
      <Children nodeId={undefined} depth={0} find={find.trim().toLowerCase()} picked={picked} onAdd={onAdd} />
    </Box>
  );
}

function Children({ nodeId, depth, find, picked, onAdd }: { readonly nodeId: string | undefined; readonly depth: number; readonly find: string; readonly picked: ReadonlySet<string>; readonly onAdd: (nodeId: string) => void }) {
  const plant = usePlant();
  const [level, setLevel] = useState<Level>(null);
  useEffect(() => {
    let active = true;
    plant.opcua.browse(...(nodeId === undefined ? [] : [nodeId])).then(
      (result) => active && setLevel(result),
      (error: unknown) => active && setLevel({ error: errorMessage(error) }),
    );
    return () => {
      active = false;
    };
  }, [plant, nodeId]);
  if (level === null) return <Typography variant="body2" sx={{ pl: depth * 2 }}>Reading…</Typography>;
  if ('error' in level) return <Alert severity="error" data-testid="opcua-browse-error">{level.error}</Alert>;
  const shown = level.nodes.filter((node) => node.nodeClass !== 'Variable' || find === '' || node.displayName.toLowerCase().includes(find) || node.nodeId.toLowerCase().includes(find));
  return (
    <List dense disablePadding>
      {shown.map((node) => (node.nodeClass === 'Variable' ? <Variable key={node.nodeId} node={node} depth={depth} picked={picked.has(node.nodeId)} onAdd={onAdd} /> : <Folder key={node.nodeId} node={node} depth={depth} find={find} picked={picked} onAdd={onAdd} />))}
      {level.more && <ListItem sx={{ pl: depth * 2 }}>This level holds more nodes than are listed.</ListItem>}
    </List>
  );
}

function Folder({ node, depth, find, picked, onAdd }: { readonly node: BrowsedNode; readonly depth: number; readonly find: string; readonly picked: ReadonlySet<string>; readonly onAdd: (nodeId: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <ListItemButton sx={{ pl: depth * 2 }} onClick={() => setOpen(!open)} aria-expanded={open} data-testid="opcua-folder" data-node-id={node.nodeId}>
        {open ? <ExpandMore fontSize="small" /> : <ChevronRight fontSize="small" />}
        <ListItemText primary={node.displayName} />
      </ListItemButton>
      <Collapse in={open} unmountOnExit>
        <Children nodeId={node.nodeId} depth={depth + 1} find={find} picked={picked} onAdd={onAdd} />
      </Collapse>
    </>
  );
}

function Variable({ node, depth, picked, onAdd }: { readonly node: BrowsedNode; readonly depth: number; readonly picked: boolean; readonly onAdd: (nodeId: string) => void }) {
  const maps = node.mapsTo ? `→ ${node.mapsTo.equipmentId} / ${node.mapsTo.reading}` : '→ no equipment by the naming template (give one in the settings)';
  return (
    <ListItem
      sx={{ pl: depth * 2 + 3 }}
      data-testid="opcua-variable"
      data-node-id={node.nodeId}
      secondaryAction={
        <Button size="small" disabled={picked} onClick={() => onAdd(node.nodeId)} data-testid="opcua-add">
          {picked ? 'Added' : 'Add'}
        </Button>
      }
    >
      <ListItemText primary={node.displayName} secondary={`${node.nodeId} ${maps}`} />
    </ListItem>
  );
}
