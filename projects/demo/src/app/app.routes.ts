import { Routes } from '@angular/router';
import { authGuard } from './core/auth-guard';

/** Every page is lazy; all but login need a session. Titles become "Keys · ApexStore console" (AppTitleStrategy). */
export const routes: Routes = [
  { path: 'login', title: 'Sign in', loadComponent: () => import('./pages/login/login-page').then((m) => m.LoginPage) },
  {
    path: '',
    canActivateChild: [authGuard],
    children: [
      { path: 'dashboard', title: 'Dashboard', loadComponent: () => import('./pages/dashboard/dashboard-page').then((m) => m.DashboardPage) },
      { path: 'keys', title: 'Keys', loadComponent: () => import('./pages/keys/keys-page').then((m) => m.KeysPage) },
      { path: 'compaction', title: 'Compaction', loadComponent: () => import('./pages/compaction/compaction-page').then((m) => m.CompactionPage) },
      { path: 'health', title: 'Health', loadComponent: () => import('./pages/health/health-page').then((m) => m.HealthPage) },
      { path: 'snapshots', title: 'Snapshots', loadComponent: () => import('./pages/snapshots/snapshots-page').then((m) => m.SnapshotsPage) },
      { path: 'sync', title: 'Sync', loadComponent: () => import('./pages/sync/sync-page').then((m) => m.SyncPage) },
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
    ],
  },
  { path: '**', redirectTo: 'dashboard' },
];
