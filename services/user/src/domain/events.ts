/** The events user-service publishes (services/README.md, "Events"). */
export interface UserRegistered {
  userId: string;
  email: string;
  name: string;
}
