// The pipeline in Azure: a Flex Consumption function app running the custom handler as a user-assigned identity,
// the Service Bus queues its functions read and write, the storage account for its tables, a Key Vault for its
// secrets and Application Insights for its logs. No keys or secrets pass through the template.
// Deploy (README: Deploy to Azure): az deployment group create -g <group> -p infra/main.bicepparam

@description('Short prefix for every resource name (letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string

param location string = resourceGroup().location

@description('Memory of each instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Always-ready instances for the HTTP functions; 0 scales them from zero (cold starts).')
@minValue(0)
param alwaysReadyHttpInstances int = 0

@description('Intercom REST API host of the workspace (EU and AU workspaces have their own).')
param intercomBaseUrl string = 'https://api.intercom.io'

@description('App keys accepted by the tracking endpoints (public keys, sent by browsers and apps).')
param trackingAppKeys array = []

@description('Six-field NCRONTAB schedule of the statistics sweep.')
param statisticsSweepSchedule string = '0 0 * * * *'

@description('Object id of the user or group that sets the secrets in the Key Vault; empty grants nobody.')
param keyVaultOfficerPrincipalId string = ''

@description('The Service Bus queues of the function declarations (a unit test keeps this list equal to them).')
var queueNames = [
  'events'
  'statistics-sweep'
  'metrics-jobs'
  'replays'
]

@description('The topic the Recorder publishes every recorded event to, once.')
var topicName = 'recorded'

@description('One subscription per consumer, each with its filter as its only rule (a unit test keeps these equal to the consumers\' declarations).')
var topicSubscriptions = [
  { name: 'analytics-index', filter: '(deliverTo IS NULL AND (type LIKE \'analytics.%\')) OR deliverTo = \'analytics-index\'' }
  { name: 'iadvize', filter: '(deliverTo IS NULL AND (type = \'tracking.web.init\' OR type = \'tracking.mobile.init\')) OR deliverTo = \'iadvize\'' }
  { name: 'intercom', filter: '(deliverTo IS NULL AND (type LIKE \'push.%\' OR type = \'sync.statistics\' OR type = \'iadvize.conversation.closed\' OR type = \'iadvize.satisfaction.filled\')) OR deliverTo = \'intercom\'' }
  { name: 'metrics-rollups', filter: '(deliverTo IS NULL AND (type LIKE \'push.%\' OR type = \'tracking.web.send\' OR type = \'tracking.mobile.send\' OR type = \'tracking.web.init\' OR type = \'tracking.mobile.init\' OR type LIKE \'analytics.%\' OR type = \'iadvize.conversation.closed\' OR type = \'iadvize.satisfaction.filled\')) OR deliverTo = \'metrics-rollups\'' }
  { name: 'site-statistics', filter: '(deliverTo IS NULL AND (type = \'push.statistics\')) OR deliverTo = \'site-statistics\'' }
  { name: 'visitor-index', filter: '(deliverTo IS NULL AND (type = \'tracking.web.init\' OR type = \'tracking.mobile.init\' OR type LIKE \'analytics.%\')) OR deliverTo = \'visitor-index\'' }
]

@description('Peek lock per delivery: host.json functionTimeout (00:05:00), the longest a function may run.')
var queueLockDuration = 'PT5M'

@description('App settings read from the Key Vault: setting name and secret name.')
var secretSettings = [
  { setting: 'Intercom__AccessToken', secret: 'intercom-access-token' }
  { setting: 'IAdvize__ApiKey', secret: 'iadvize-api-key' }
  { setting: 'IAdvize__WebhookSecret', secret: 'iadvize-webhook-secret' }
  { setting: 'IAdvize__ConnectorToken', secret: 'iadvize-connector-token' }
  { setting: 'Reportei__Tokens__0', secret: 'reportei-token-0' }
  { setting: 'Reportei__WebhookSecret', secret: 'reportei-webhook-secret' }
  { setting: 'Admin__ApiKey', secret: 'admin-api-key' }
]

var suffix = uniqueString(resourceGroup().id)
var deploymentContainer = 'deployments'
var vaultName = take(toLower('${namePrefix}kv${suffix}'), 24)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${namePrefix}-identity'
    location: location
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take(toLower('${namePrefix}store${suffix}'), 24)
    location: location
    deploymentContainerName: deploymentContainer
    appPrincipalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'serviceBus'
  params: {
    name: '${namePrefix}-bus-${suffix}'
    location: location
    queueNames: queueNames
    topicName: topicName
    topicSubscriptions: topicSubscriptions
    lockDuration: queueLockDuration
    appPrincipalId: identity.outputs.principalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    name: vaultName
    location: location
    appPrincipalId: identity.outputs.principalId
    officerPrincipalId: keyVaultOfficerPrincipalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    namePrefix: namePrefix
    location: location
  }
}

// Identity-based connections: the Functions host (bindings, timers) and the app's own table client read these.
var connectionSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storage.outputs.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.outputs.clientId }
  { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBus.outputs.fullyQualifiedNamespace }
  { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
  { name: 'ServiceBusConnection__clientId', value: identity.outputs.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: monitoring.outputs.connectionString }
]

var plainSettings = [
  { name: 'Intercom__BaseUrl', value: intercomBaseUrl }
  { name: 'Intercom__ApiVersion', value: '2.11' }
  { name: 'Intercom__StatisticsSweepSchedule', value: statisticsSweepSchedule }
  { name: 'IAdvize__BaseUrl', value: 'https://www.iadvize.com/api/2' }
]

// The vault's name, not its module's output: a for-body needs values known at the start. The app depends on the
// vault module below, so the identity can read the secrets before the references are resolved.
var keyVaultSettings = [for s in secretSettings: {
  name: s.setting
  value: '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${s.secret})'
}]

var appKeySettings = [for (key, i) in trackingAppKeys: { name: 'Tracking__AppKeys__${i}', value: key }]

module app 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    name: '${namePrefix}-pipeline'
    location: location
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appSettings: concat(connectionSettings, plainSettings, keyVaultSettings, appKeySettings)
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
  }
  dependsOn: [
    vault
  ]
}

output functionAppName string = app.outputs.name
output functionAppUrl string = 'https://${app.outputs.defaultHostName}'
output keyVaultName string = vault.outputs.name
output keyVaultSecretNames array = [for s in secretSettings: s.secret]
output serviceBusNamespace string = serviceBus.outputs.name
