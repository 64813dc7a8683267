// aws-sdk-client-mock's jest matchers (toHaveReceivedCommandWith, ...).
import 'aws-sdk-client-mock-jest';
