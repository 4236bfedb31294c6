// The Service Bus namespace and the queues the functions read and write.

param name string
param location string

@description('Queue names, from the function declarations.')
param queueNames array

@description('Peek-lock duration: covers the slowest function (host.json functionTimeout). Service Bus allows at most PT5M.')
param lockDuration string

@description('Principal id of the app identity, given the data sender and receiver roles on the namespace.')
param appPrincipalId string

// Built-in role definition ids.
var roles = {
  dataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  dataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
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

// A failed invocation is redelivered; after 10 deliveries, or when it expires, the message is dead-lettered.
// No duplicate detection: a custom handler's output cannot set MessageId, so idempotency is in the effects.
resource queues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for queue in queueNames: {
  parent: namespace
  name: queue
  properties: {
    maxDeliveryCount: 10
    lockDuration: lockDuration
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
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
