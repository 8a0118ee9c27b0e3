export function SubmitJobDialog(_p: { onClose: () => void }) {
  return null;
}
