import { updateDisplayOptions } from 'n8n-workflow';

import type { OperationExecute } from './common';
import { contactProperties, setContactOptOut } from './opt-out';

export const description = updateDisplayOptions({ show: { operation: ['optIn'] } }, contactProperties);

export const execute: OperationExecute = async function (itemIndex, store, credential) {
	return await setContactOptOut(this, itemIndex, store, credential, false);
};
