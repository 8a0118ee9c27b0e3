import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { errorMessage } from './api/admin-api-error.ts';
import { resolveAdminApi } from './api/resolve-admin-api.ts';
import { App } from './app/app.tsx';
import { startApp } from './app/app-start.ts';
import './styles/theme.css';
import './styles/base.css';
import './styles/components.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

let content;
try {
  const api = resolveAdminApi();
  content = <App api={api} started={startApp(api)} />;
} catch (error) {
  content = (
    <main className="fatal" role="alert">
      <h1>Sigmatiq Admin Jobs cannot start</h1>
      <p>{errorMessage(error)}</p>
    </main>
  );
}
createRoot(root).render(<StrictMode>{content}</StrictMode>);
