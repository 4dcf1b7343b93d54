import { Button } from 'antd';
import { type ComponentType, lazy, type ReactNode, Suspense, useState } from 'react';

/**
 * A component whose code loads when it is first rendered: React.lazy for a named export. For what a
 * person opens after the page is up (a dialog, a tab's pane), so a page's initial JavaScript stays
 * under its 500 KB budget (`npm run bench:web`). Render it inside a Suspense.
 */
export function later<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}

/** A button that mounts its dialog (a `later` component, open while mounted) on click. */
export function DialogButton({
  icon,
  label,
  testId,
  children,
}: {
  icon: ReactNode;
  label: string;
  testId: string;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={icon} onClick={() => setOpen(true)} data-testid={testId}>
        {label}
      </Button>
      {open && <Suspense fallback={null}>{children(() => setOpen(false))}</Suspense>}
    </>
  );
}
