import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// The machine running tests may be busy; give async queries room before they fail.
configure({ asyncUtilTimeout: 5000 });
afterEach(() => cleanup());
