// The studio's views by task, one on screen at a time, chosen by the URL hash (`#/<id>`, see
// route.ts). Adding a view is one entry here: its id (the hash and the root's data-view), the
// label in the navigation, and the panels it shows. A `story` view is a guided walk-through,
// linked prominently beside the task views rather than among them.
import type { ReactNode } from 'react';
import { AdaptPanel } from '../adapt/AdaptPanel';
import { EvaluatePanel } from '../evaluate/EvaluatePanel';
import { ExperimentsPanel } from '../experiments/ExperimentsPanel';
import { KernelsPanel } from '../gpu/KernelsPanel';
import { GrowPanel } from '../grow/GrowPanel';
import { MergePanel } from '../merge/MergePanel';
import { CorporaPanel } from '../models/CorporaPanel';
import { CreateModelPanel } from '../models/CreateModelPanel';
import { ImportModelPanel } from '../models/ImportModelPanel';
import { StoragePanel } from '../models/StoragePanel';
import { CompareRunsPanel } from '../train/CompareRunsPanel';
import { TrainingCharts } from '../train/TrainingCharts';
import { TrainPanel } from '../train/TrainPanel';
import { ForgettingStory } from '../story/ForgettingStory';
import { GeneratePanel } from '../generate/GeneratePanel';

export interface StudioView {
  /** The hash (`#/<id>`) and the view root's `data-view`. */
  id: string;
  /** The link text in the navigation, and the page title while the view is shown. */
  label: string;
  /** A guided story, linked prominently at the top of the page instead of among the tasks. */
  story?: boolean;
  render: () => ReactNode;
}

export const VIEWS: readonly StudioView[] = [
  {
    id: 'models',
    label: 'Models & data',
    render: () => (
      <>
        <div className="view-pair">
          <CreateModelPanel />
          <ImportModelPanel />
        </div>
        <div className="view-pair">
          <CorporaPanel />
          <StoragePanel />
        </div>
      </>
    ),
  },
  { id: 'train', label: 'Train', render: () => <><TrainPanel /><TrainingCharts /><CompareRunsPanel /></> },
  { id: 'grow', label: 'Grow', render: () => <GrowPanel /> },
  { id: 'adapt', label: 'Adapt', render: () => <AdaptPanel /> },
  { id: 'merge', label: 'Merge', render: () => <MergePanel /> },
  { id: 'evaluate', label: 'Evaluate', render: () => <EvaluatePanel /> },
  { id: 'generate', label: 'Generate', render: () => <GeneratePanel /> },
  { id: 'experiments', label: 'Experiments', render: () => <ExperimentsPanel /> },
  { id: 'gpu', label: 'GPU', render: () => <KernelsPanel /> },
  { id: 'forget', label: 'Watch a model forget', story: true, render: () => <ForgettingStory /> },
];

/** The view an empty or unknown hash opens: where a new user starts, creating a model. */
export const DEFAULT_VIEW = 'models';

export const VIEW_IDS: readonly string[] = VIEWS.map((v) => v.id);
