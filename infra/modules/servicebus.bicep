// The Service Bus namespace, the queues the functions read and write, and the topic of recorded events with one
// subscription per consumer.

param name string
param location string

@description('Queue names, from the function declarations.')
param queueNames array

@description('The topic the Recorder publishes to.')
param topicName string

@description('Its subscriptions: { name, filter } with filter a SQL filter on the message properties type and deliverTo.')
param topicSubscriptions array

@description('Peek-lock duration: covers the slowest function (host.json functionTimeout). Service Bus allows at most PT5M.')
param lockDuration string

@description('Principal id of the app identity, given the data sender role (its sends, retries, requeues) and the data receiver role (triggers, dead letters) on the namespace.')
param appPrincipalId string

// Built-in role definition ids.
var roles = {
  dataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  dataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  // Reading the entities' runtime properties (the backlog in health and the ops summary) needs the Manage claim,
  // which only Data Owner carries; it is scoped to this namespace.
  dataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
}

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    minimumTlsVersion: '1.2'
    disableLocalAuth: true // no SAS keys: identity only
  }
}

// Duplicate detection (settable only when an entity is created): the app sends every message with a stable MessageId
// (the envelope's id, or one derived from it), so a copy sent again within the window is dropped by the broker.
var duplicateDetection = {
  requiresDuplicateDetection: true
  duplicateDetectionHistoryTimeWindow: 'PT10M'
}

// A crashed invocation is redelivered; after 10 deliveries, or when it expires, the message is dead-lettered. Failures
// the app expects are retried by scheduled messages, not by redelivery (see the README's retry model).
resource queues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for queue in queueNames: {
  parent: namespace
  name: queue
  properties: union(duplicateDetection, {
    maxDeliveryCount: 10
    lockDuration: lockDuration
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
  })
}]

resource topic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = {
  parent: namespace
  name: topicName
  properties: union(duplicateDetection, {
    defaultMessageTimeToLive: 'P14D'
  })
}

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [for subscription in topicSubscriptions: {
  parent: topic
  name: subscription.name
  properties: {
    maxDeliveryCount: 10
    lockDuration: lockDuration
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
    defaultMessageTimeToLive: 'P14D'
  }
}]

// Named $Default so that it replaces the catch-all rule a new subscription gets: the filter alone decides.
resource rules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2022-10-01-preview' = [for (subscription, i) in topicSubscriptions: {
  parent: subscriptions[i]
  name: '$Default'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: {
      sqlExpression: subscription.filter
    }
  }
}]

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roles): {
  name: guid(namespace.id, appPrincipalId, role.value)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

output name string = namespace.name
// serviceBusEndpoint is https://<name>.<cloud's Service Bus suffix>:443/
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
