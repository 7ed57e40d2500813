import type { SettingDefinition } from '#core';

/** A multiplier from 1 to 10 with up to two decimals (`1.5`); the core's settings have whole numbers only. */
export function multiplierSetting(defaultValue: number, description: string): SettingDefinition<number> {
	return {
		description,
		accepts: 'a number from 1 to 10 with up to two decimals, such as 1.5',
		defaultValue,
		parse: (text) => {
			if (!/^\d{1,2}(\.\d{1,2})?$/u.test(text.trim())) return undefined;
			const value = Number(text.trim());
			return value >= 1 && value <= 10 ? value : undefined;
		},
		serialize: String
	};
}
