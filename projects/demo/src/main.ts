import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { detectStreamMode } from './app/core/detect-stream-mode';

// One build serves both servers: ask which change stream this one speaks, then start.
detectStreamMode()
  .then((mode) => bootstrapApplication(App, appConfig(mode)))
  .catch((err: unknown) => console.error(err));
