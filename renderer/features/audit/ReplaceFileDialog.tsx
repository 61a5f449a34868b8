/** Asked before an export writes over a file that exists: "Replace audit.ndjson?", naming the folder. */
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';

/** The file's name and its folder, for either kind of separator. */
export function splitPath(path: string): { name: string; folder: string } {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return { name: path.slice(cut + 1), folder: cut <= 0 ? path.slice(0, cut + 1) : path.slice(0, cut) };
}

export function ReplaceFileDialog({ file, onReplace, onCancel }: { readonly file: string; readonly onReplace: () => void; readonly onCancel: () => void }) {
  const { name, folder } = splitPath(file);
  return (
    <Dialog open onClose={onCancel} aria-labelledby="replace-file-title" data-testid="replace-file-dialog">
      <DialogTitle id="replace-file-title">Replace {name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          A file named {name} already exists in {folder}. Replacing it overwrites what it holds with this export.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} autoFocus data-testid="replace-file-cancel">
          Keep the file
        </Button>
        <Button color="warning" variant="contained" onClick={onReplace} data-testid="replace-file-confirm">
          Replace
        </Button>
      </DialogActions>
    </Dialog>
  );
}
