/** The subject a subscription's notifications and effects are stored under. */
export const subscriptionSubject = (subscriptionId: string) => `subscription-${subscriptionId}`;
