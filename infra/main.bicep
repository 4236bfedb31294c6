// The pipeline in Azure: a Flex Consumption function app running the custom handler, the Service Bus queues its
// functions read and write, the storage account for its tables, and Application Insights for its logs.
// Deploy: az deployment group create -g <group> -f infra/main.bicep -p namePrefix=<prefix> intercomAccessToken=<token>

@description('Short prefix for every resource name (letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string

param location string = resourceGroup().location

@secure()
@description('Intercom access token; empty leaves Intercom deliveries recorded as skipped.')
param intercomAccessToken string = ''

@description('Intercom REST API host of the workspace (EU and AU workspaces have their own).')
param intercomBaseUrl string = 'https://api.intercom.io'

@description('App keys accepted by the tracking endpoints.')
param trackingAppKeys array = []

@description('Six-field NCRONTAB schedule of the statistics sweep.')
param statisticsSweepSchedule string = '0 0 * * * *'

@description('The Service Bus queues of the function declarations (tests check this list against them).')
var queueNames = [
  'events'
  'intercom'
  'iadvize'
  'statistics-sweep'
  'replays'
]

var storageName = toLower('${namePrefix}store${uniqueString(resourceGroup().id)}')
var deploymentContainer = 'deployments'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainer
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: '${namePrefix}-bus-${uniqueString(resourceGroup().id)}'
  location: location
  sku: { name: 'Standard', tier: 'Standard' }
}

// Duplicate detection and 10 deliveries before dead-lettering, as the delivery rules assume (README, design §5).
resource queues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for name in queueNames: {
  parent: serviceBus
  name: name
  properties: {
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
  }
}]

resource busRule 'Microsoft.ServiceBus/namespaces/authorizationRules@2022-10-01-preview' existing = {
  parent: serviceBus
  name: 'RootManageSharedAccessKey'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

var storageConnection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

var appKeySettings = [for (key, i) in trackingAppKeys: { name: 'Tracking__AppKeys__${i}', value: key }]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${namePrefix}-pipeline'
  location: location
  kind: 'functionapp,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'StorageAccountConnectionString'
            storageAccountConnectionStringName: 'DEPLOYMENT_STORAGE_CONNECTION_STRING'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 40
        instanceMemoryMB: 2048
      }
      // The app is an Azure Functions custom handler (README: Hosting).
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
    siteConfig: {
      appSettings: concat([
        { name: 'AzureWebJobsStorage', value: storageConnection }
        { name: 'DEPLOYMENT_STORAGE_CONNECTION_STRING', value: storageConnection }
        { name: 'ServiceBusConnection', value: busRule.listKeys().primaryConnectionString }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'Intercom__BaseUrl', value: intercomBaseUrl }
        { name: 'Intercom__AccessToken', value: intercomAccessToken }
        { name: 'Intercom__ApiVersion', value: '2.11' }
        { name: 'Intercom__StatisticsSweepSchedule', value: statisticsSweepSchedule }
      ], appKeySettings)
    }
  }
  dependsOn: [
    deployments
    queues
  ]
}

output functionAppName string = app.name
output serviceBusNamespace string = serviceBus.name
