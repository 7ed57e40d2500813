/**
 * The refusal of a moderator command: what makes a moderator in this server. It names the
 * moderator role only while the server has it; a mention of a deleted role reads "@deleted-role".
 */
export function explainModeratorsOnly(moderatorRoleId: string | null, roleExists: boolean): string {
	const refusal = 'Only moderators of this server can do this: it needs the Manage Server permission';
	if (moderatorRoleId === null) return `${refusal} here.`;
	if (roleExists) return `${refusal} or the <@&${moderatorRoleId}> role here.`;
	return `${refusal} here (the moderator role set for this server no longer exists).`;
}
