// Entry point: starts the studio's services, publishes the automation API as window.studio
// (the UI uses the same object), and renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStudio, type StudioApi } from './state/studio';
import { App } from './ui/App';
import './ui/styles.css';

declare global {
  interface Window {
    studio: StudioApi;
  }
}

const studio = createStudio();
window.studio = studio;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App studio={studio} />
  </StrictMode>,
);
