import { Store } from '@sapphire/framework';
import { DashboardAction } from '#lib/dashboard/DashboardAction';
import type { DashboardArea } from '#lib/dashboard/protocol';

/** The `dashboard-actions` store: what the bot does with each (area, action) of the dashboard. */
export class DashboardActionStore extends Store<DashboardAction<unknown>, 'dashboard-actions'> {
	public constructor() {
		super(DashboardAction, { name: 'dashboard-actions' });
	}

	/** The pieces handling this (area, action), by name; empty when none. */
	public handlersFor(area: DashboardArea, action: string): DashboardAction<unknown>[] {
		return [...this.values()].filter((piece) => piece.area === area && piece.action === action).sort((a, b) => a.name.localeCompare(b.name));
	}
}

declare module '@sapphire/pieces' {
	interface StoreRegistryEntries {
		'dashboard-actions': DashboardActionStore;
	}
}
